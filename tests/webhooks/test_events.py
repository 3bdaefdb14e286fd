"""Which events are recorded: each kind of change of an order writes its event for every active endpoint of the
order's shop that wants it (none for other shops', switched-off or uninterested endpoints), with the order as the
status API shows it, in the transaction of the change."""

from decimal import Decimal

import pytest
from django.utils import timezone

from feedback.services import claim_move, claim_open
from orders.selectors import order_document
from orders.services import (
    order_change_status,
    order_edit,
    order_record_delivery,
    order_record_payment,
    order_record_rating,
    order_set_manager,
)
from tests.factories import ShopFactory, make_order, manager
from tests.webhooks.conftest import endpoint_for
from webhooks.models import EventType, WebhookDelivery
from webhooks.services import webhook_event_record

pytestmark = pytest.mark.django_db


def recorded(order) -> list[str]:
    return list(WebhookDelivery.objects.filter(order=order).order_by("pk").values_list("event_type", flat=True))


def test_each_change_of_an_order_records_its_event_in_the_order_it_happened(receiver):
    shop = ShopFactory(always_open=True)
    endpoint_for(shop, receiver)
    order = make_order(shop)
    order_set_manager(order=order, manager=manager())
    order_change_status(order=order, target="approval")
    order.refresh_from_db()
    item = order.items.get()
    order_edit(
        order=order,
        by=None,
        seen_at=order.updated_at,
        items=[{"id": item.pk, "sku": item.sku, "name": item.name, "qty": 3, "price": item.price}],
        delivery_address="Moscow, Arbat 5",
    )
    order_record_payment(order=order, state="paid", amount=Decimal("1350"))
    order_record_delivery(order=order, carrier="CDEK", state="in_transit", at=timezone.now())
    order_record_rating(order=order, rating=2, source="sms")
    claim = claim_open(order=order, reason="Broken")
    claim_move(claim=claim, action="take", by=None)
    claim_move(claim=claim, action="resolve", by=None, text="Replaced")
    assert recorded(order) == [
        "order.created",
        "order.manager_assigned",
        "order.status_changed",
        "order.edited",
        "order.payment_recorded",
        "order.delivery_updated",
        "order.rating_received",
        "claim.opened",
        "claim.closed",
    ]
    assert set(recorded(order)) == set(EventType.values)  # every event type has its trigger


def test_the_body_holds_the_event_and_the_order_as_the_status_api_shows_it_when_it_happened(receiver):
    shop = ShopFactory()
    endpoint_for(shop, receiver, events=[EventType.ORDER_STATUS_CHANGED])
    order = make_order(shop)
    order_change_status(order=order, target="approval")
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["id"] == delivery.event_id and delivery.event_id.startswith("evt_")
    assert delivery.payload["type"] == "order.status_changed"
    assert delivery.payload["timestamp"].endswith("Z")
    order.refresh_from_db()
    assert delivery.payload["data"] == {"order": order_document(order)}


def test_only_the_shops_active_endpoints_that_want_the_event_get_a_delivery(receiver):
    shop, other_shop = ShopFactory(), ShopFactory()
    wanting = endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    endpoint_for(shop, receiver, events=[EventType.ORDER_STATUS_CHANGED])
    endpoint_for(shop, receiver, is_active=False)
    endpoint_for(other_shop, receiver)
    order = make_order(shop)
    assert list(WebhookDelivery.objects.values_list("endpoint", "order")) == [(wanting.pk, order.pk)]


def test_an_unknown_event_type_is_a_programming_error(receiver):
    shop = ShopFactory()
    endpoint_for(shop, receiver)
    with pytest.raises(ValueError):
        webhook_event_record(order=make_order(shop), event_type="order.teleported")
