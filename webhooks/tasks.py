"""q2 entry points: they only call the webhooks' services."""

from webhooks.services import webhooks_send_due


def send_due(endpoint_ids: list[int] | None = None) -> int:
    """After an event is committed (its endpoints), and every minute (all): send what is due."""
    return webhooks_send_due(endpoint_ids=endpoint_ids)
