"""django-q2 entry points: each only calls a service."""

from notifications.imap import imap_poll
from notifications.services import outbox_send, outbox_send_due


def send_message(message_id: int) -> None:
    outbox_send(message_id=message_id)


def send_due() -> int:
    return outbox_send_due()


def poll_imap() -> int:
    return imap_poll()
