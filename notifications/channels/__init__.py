"""One transport per channel, as healthchecks.io keeps them: each `send(message)` hands an outbox row to its
provider and returns the provider's id, or raises ChannelError (permanent or worth another try); a provider
that can be asked what it took also has `taken_since(message, since)`."""

from collections.abc import Callable
from datetime import datetime

from notifications.channels import email, sms, whatsapp
from notifications.models import Channel, OutboundMessage
from orders.models import Customer

TRANSPORTS: dict[str, Callable[[OutboundMessage], str]] = {
    Channel.SMS: sms.send,
    Channel.WHATSAPP: whatsapp.send,
    Channel.EMAIL: email.send,
}


LOOKUPS: dict[str, Callable[[OutboundMessage, datetime], list[str]]] = {
    Channel.SMS: sms.taken_since,
    Channel.WHATSAPP: whatsapp.taken_since,
}


def send(message: OutboundMessage) -> str:
    return TRANSPORTS[message.channel](message)


def taken_since(message: OutboundMessage, since: datetime) -> list[str]:
    """The provider's ids of messages like this one it took since `since`, oldest first ([] when it cannot
    be asked: an email's fate is not knowable)."""
    lookup = LOOKUPS.get(message.channel)
    return lookup(message, since) if lookup else []


def address(channel: str, customer: Customer) -> str:
    """Where a message on this channel goes to, or "" when the customer has no such address."""
    if channel == Channel.EMAIL:
        return customer.email
    if not customer.phone:
        return ""
    return f"whatsapp:{customer.phone}" if channel == Channel.WHATSAPP else customer.phone
