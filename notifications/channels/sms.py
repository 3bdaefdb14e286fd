from datetime import datetime

from django.conf import settings

from notifications.channels import twilio
from notifications.models import OutboundMessage


def send(message: OutboundMessage) -> str:
    return twilio.create(sender=settings.TWILIO_SMS_FROM, outbox_id=message.pk, to=message.to, body=message.body)


def taken_since(message: OutboundMessage, since: datetime) -> list[str]:
    return twilio.taken_since(sender=settings.TWILIO_SMS_FROM, to=message.to, since=since, body=message.body)
