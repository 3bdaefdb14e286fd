"""WhatsApp through Twilio: an approved template (Content SID and its variables) to start a conversation, free
text only as an answer within 24 hours of the customer's last message."""

import json

from django.conf import settings

from notifications.channels import twilio


def send(message) -> str:
    sender = settings.TWILIO_WHATSAPP_FROM
    if sender and not sender.startswith("whatsapp:"):
        sender = f"whatsapp:{sender}"
    if message.content_sid:
        return twilio.create(
            sender=sender,
            to=message.to,
            content_sid=message.content_sid,
            content_variables=json.dumps(message.content_variables, ensure_ascii=False),
        )
    return twilio.create(sender=sender, to=message.to, body=message.body)
