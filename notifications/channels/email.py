"""Email through Django's email backend, with a plain and an HTML part, unless the app that asked for the message
writes the letter itself (`signals.email_writing`). Every letter carries a Message-ID the row keeps, and one about
an order a Reply-To with the order's signed token, so the customer's answer finds the order again."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from notifications import signals
from notifications.exceptions import ChannelError
from notifications.models import OutboundMessage
from notifications.replies import message_id_new, reply_address


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


def _threaded(message: OutboundMessage, email: EmailMultiAlternatives) -> None:
    """A Message-ID kept on the row (the same on every try), which a customer's reply names in In-Reply-To; about
    an order, a Reply-To that carries the order's signed token (unless the letter names its own)."""
    if not message.message_id:
        message.message_id = message_id_new()
        OutboundMessage.objects.filter(pk=message.pk).update(message_id=message.message_id)
    email.extra_headers["Message-ID"] = message.message_id
    if message.order_id is not None and not email.reply_to:
        address = reply_address(message.order_id)
        if address:
            email.reply_to = [address]


def send(message: OutboundMessage) -> str:
    email = _letter(message)
    _threaded(message, email)
    try:
        email.send()
    except OSError as exc:  # SMTP down or refusing (smtplib's errors are OSErrors)
        raise ChannelError(f"Email: {exc}") from exc
    return ""
