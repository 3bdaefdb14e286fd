"""Email through Django's email backend, with a plain and an HTML part, unless the app that asked for the message
writes the letter itself (`signals.email_writing`)."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from notifications import signals
from notifications.exceptions import ChannelError
from notifications.models import OutboundMessage


def _letter(message: OutboundMessage) -> EmailMultiAlternatives:
    # django-stubs types a receiver's answer as str | None; these answer the letter they wrote.
    written: list[EmailMultiAlternatives] = [
        letter  # type: ignore[misc]
        for _, letter in signals.email_writing.send(sender=type(message), message=message)
        if letter
    ]
    return written[0] if written else _branded(message)


def _branded(message: OutboundMessage) -> EmailMultiAlternatives:
    customer = message.customer
    with translation.override(customer.shop.customer_language):
        html = render_to_string("notifications/email_message.html", {"message": message, "shop": customer.shop})
    email = EmailMultiAlternatives(
        subject=message.subject or customer.shop.name, body=message.body, to=[message.to]
    )
    email.attach_alternative(html, "text/html")
    return email


def send(message: OutboundMessage) -> str:
    email = _letter(message)
    try:
        email.send()
    except OSError as exc:  # SMTP down or refusing (smtplib's errors are OSErrors)
        raise ChannelError(f"Email: {exc}") from exc
    return ""
