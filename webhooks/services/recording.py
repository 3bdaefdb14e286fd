"""Recording an event: one outbox row per active endpoint of the order's shop that wants it, written in the
transaction of the change (a change rolled back leaves none), its body built now, sent after commit."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from orders.models import Order
from orders.selectors import order_document
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint


def webhook_body(*, event_id: str, event_type: str, order: Order, now: datetime) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": event_type,
        "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {"order": order_document(order)},
    }


def webhook_event_record(*, order: Order, event_type: str, now: datetime | None = None) -> list[WebhookDelivery]:
    """The event's deliveries (none when no active endpoint of the shop wants it)."""
    EventType(event_type)  # an unknown type is a programming error: ValueError
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(shop_id=order.shop_id, is_active=True)
        if endpoint.wants(event_type)
    ]
    if not endpoints:
        return []
    now = now or timezone.now()
    event_id = f"evt_{uuid4().hex}"
    payload = webhook_body(event_id=event_id, event_type=event_type, order=order, now=now)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                order=order,
                payload=payload,
                next_try_at=now,
                created_at=now,
            )
            for endpoint in endpoints
        ]
    )
    webhooks_send_after_commit(endpoint_ids=[endpoint.pk for endpoint in endpoints])
    return deliveries


def webhooks_send_after_commit(*, endpoint_ids: list[int]) -> None:
    """The webhooks' one kick: once the change is committed, a q2 task sends what is due to these endpoints."""
    transaction.on_commit(lambda: async_task("webhooks.tasks.send_due", endpoint_ids))
