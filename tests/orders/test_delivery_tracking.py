"""Carrier reports through the storefront API: recorded once, shown on the order, and moving the order along
the matrix by the shop's rules, never backwards and never past what the matrix allows."""

import json

import pytest
from django.urls import reverse

from notifications.models import Notification
from orders.models import (
    DeliveryEvent,
    DeliveryState,
    DeliveryStatusRule,
    Order,
    OrderEvent,
    Status,
    StatusTransition,
)
from orders.services import order_change_status, shop_issue_api_key
from tests.factories import ShopFactory, free_manager, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, code="garden")


@pytest.fixture
def key(shop):
    return shop_issue_api_key(shop=shop)


@pytest.fixture
def order(shop):
    anna = free_manager(username="anna")
    placed = make_order(shop, external_id="web-7")
    for target in ("approval", "assembly", "delivery"):
        order_change_status(order=placed, target=target, by=anna)
    return placed


def report(client, key, state, at="2026-11-24T10:00:00+03:00", external_id="web-7", **extra):
    body = {"carrier": "CDEK", "tracking_code": "CDEK-1", "state": state, "at": at, "location": "Moscow, Arbat 5"}
    body.update(extra)
    return client.post(
        reverse("api_order_delivery", args=[external_id]),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.mark.parametrize("state", DeliveryState.values)
def test_each_state_is_recorded_on_the_order_and_shown(client, key, order, state):
    response = report(client, key, state)
    assert response.status_code == 201
    event = DeliveryEvent.objects.get(order=order)
    assert event.state == state and event.carrier == "CDEK"
    order.refresh_from_db()
    assert order.tracking_code == "CDEK-1"
    line = order.events.get(kind=OrderEvent.Kind.DELIVERY).text
    assert line == f"CDEK: {DeliveryState(state).label.lower()} (Moscow, Arbat 5)"


def test_the_shops_rule_moves_the_order_through_the_matrix(client, key, shop, order):
    DeliveryStatusRule.objects.create(shop=shop, state="at_pickup_point", target=Status.objects.get(code="pickup"))
    report(client, key, "at_pickup_point")
    order.refresh_from_db()
    assert order.status == "pickup"
    change = order.events.filter(kind=OrderEvent.Kind.STATUS).latest("pk")
    assert change.actor is None and change.text == "Status Delivery → At pick-up point: CDEK reported it"


def test_a_step_the_matrix_refuses_is_recorded_and_the_manager_is_told(client, key, shop, order):
    DeliveryStatusRule.objects.create(shop=shop, state="returned", target=Status.objects.get(code="new"))
    report(client, key, "returned")
    order.refresh_from_db()
    assert order.status == "delivery"
    assert "does not allow Delivery → New" in order.events.filter(kind=OrderEvent.Kind.DELIVERY).latest("pk").text
    assert Notification.objects.get(recipient=order.manager, kind=Notification.Kind.INFO).text.startswith(
        f"Order {order.number}: CDEK reported"
    )


def test_the_same_report_again_changes_nothing(client, key, shop, order):
    DeliveryStatusRule.objects.create(shop=shop, state="delivered", target=Status.objects.get(code="complete"))
    assert report(client, key, "delivered").status_code == 201
    assert report(client, key, "delivered").status_code == 200
    assert DeliveryEvent.objects.count() == 1 and OrderEvent.objects.filter(kind="delivery").count() == 1


def test_a_report_older_than_one_received_does_not_move_the_order_back(client, key, shop, order):
    pickup, delivery = Status.objects.get(code="pickup"), Status.objects.get(code="delivery")
    StatusTransition.objects.create(source=pickup, target=delivery)  # the matrix would allow going back
    DeliveryStatusRule.objects.create(shop=shop, state="at_pickup_point", target=pickup)
    DeliveryStatusRule.objects.create(shop=shop, state="in_transit", target=delivery)
    report(client, key, "at_pickup_point", at="2026-11-24T12:00:00+03:00")
    report(client, key, "in_transit", at="2026-11-24T08:00:00+03:00")  # arrives late
    order.refresh_from_db()
    assert order.status == "pickup" and DeliveryEvent.objects.count() == 2
    assert order.events.filter(kind=OrderEvent.Kind.STATUS, text__contains="→ Delivery: CDEK").count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"state": "teleported"}, {"state"}),
        ({"at": "yesterday"}, {"at"}),
        ({"at": "2030-01-01T00:00:00+00:00"}, {"at"}),
        ({"carrier": ""}, {"carrier"}),
        ({"location": "x" * 201}, {"location"}),
    ],
)
def test_bad_reports_get_400_with_field_errors_and_nothing_saved(client, key, order, body, fields):
    response = report(client, key, **{"state": "delivered", **body})
    assert response.status_code == 400 and set(response.json()["fields"]) == fields
    assert not DeliveryEvent.objects.exists()


def test_a_wrong_key_is_401_and_an_unknown_order_404(client, key, order):
    assert report(client, "wrong", "delivered").status_code == 401
    assert report(client, key, "delivered", external_id="nope").status_code == 404
    other = ShopFactory(code="other")
    make_order(other, external_id="web-8")
    assert report(client, key, "delivered", external_id="web-8").status_code == 404  # another shop's order
    assert not DeliveryEvent.objects.exists() and Order.objects.get(external_id="web-7").status == "delivery"


def test_the_order_page_shows_the_tracking_timeline(client, key, order):
    report(client, key, "in_transit", at="2026-11-24T08:00:00+03:00", location="Tver hub")
    report(client, key, "at_pickup_point", at="2026-11-24T10:00:00+03:00")
    client.force_login(order.manager)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    timeline = page.split('data-testid="tracking"')[1].split("</ul>")[0]
    assert timeline.index("In transit") < timeline.index("At the pick-up point") and "Tver hub" in timeline
