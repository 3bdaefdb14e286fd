"""Providers' inbound email webhooks (django-anymail's views, which check each provider's signature or the basic
auth secret), under /webhooks/email/. Each hands the letter to `email_receive` through anymail's inbound signal
(notifications/receivers.py)."""

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from django.urls import path, re_path

app_name = "email_webhooks"
urlpatterns = [
    # Mailgun's route forward() to .../mailgun/inbound/ (parsed) or .../mailgun/inbound_mime/ (raw MIME).
    re_path(r"^mailgun/inbound(_mime)?/$", MailgunInboundWebhookView.as_view(), name="mailgun_inbound"),
    path("postmark/inbound/", PostmarkInboundWebhookView.as_view(), name="postmark_inbound"),
    path("sendgrid/inbound/", SendGridInboundWebhookView.as_view(), name="sendgrid_inbound"),
]
