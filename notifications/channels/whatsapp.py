"""WhatsApp through Twilio: an approved template (Content SID and its variables) to start a conversation, free
text only as an answer within 24 hours of the customer's last message."""

import json
from datetime import datetime

from django.conf import settings

from notifications.channels import twilio
from notifications.models import OutboundMessage


def _sender() -> str:
    sender = settings.TWILIO_WHATSAPP_FROM
    return f"whatsapp:{sender}" if sender and not sender.startswith("whatsapp:") else sender


def send(message: OutboundMessage) -> str:
    if message.content_sid:
        return twilio.create(
            sender=_sender(),
            outbox_id=message.pk,
            to=message.to,
            content_sid=message.content_sid,
            content_variables=json.dumps(message.content_variables, ensure_ascii=False),
        )
    return twilio.create(sender=_sender(), outbox_id=message.pk, to=message.to, body=message.body)


def taken_since(message: OutboundMessage, since: datetime) -> list[str]:
    # A template's text is Twilio's to fill in: only free text can be matched on its body.
    body = "" if message.content_sid else message.body
    return twilio.taken_since(sender=_sender(), to=message.to, since=since, body=body)
