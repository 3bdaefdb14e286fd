from django.conf import settings

from notifications.channels import twilio


def send(message) -> str:
    return twilio.create(sender=settings.TWILIO_SMS_FROM, to=message.to, body=message.body)
