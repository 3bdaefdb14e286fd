"""Email through Django's email backend, with a plain and an HTML part."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications.exceptions import ChannelError


def send(message) -> str:
    customer = message.customer
    html = render_to_string("notifications/email_message.html", {"message": message, "shop": customer.shop})
    email = EmailMultiAlternatives(
        subject=message.subject or customer.shop.name, body=message.body, to=[message.to]
    )
    email.attach_alternative(html, "text/html")
    try:
        email.send()
    except OSError as exc:  # SMTP down or refusing (smtplib's errors are OSErrors)
        raise ChannelError(f"Email: {exc}") from exc
    return ""
