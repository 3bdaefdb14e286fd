"""Payments from the storefront: what each state does to the paid amount and the balance due, a payment id that
makes a retry safe (200 and nothing new; 409 when it differs), and the order page's "paid X of Y, Z due"."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import OrderEvent
from orders.services import shop_issue_api_key
from tests.factories import ShopFactory, free_manager, grant, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(always_open=True)


@pytest.fixture
def order(shop):
    return make_order(shop, external_id="web-9", items=[{"name": "Sofa", "qty": 1, "price": Decimal("40000")}])


def pay(client, shop, state, amount, payment_id=None):
    body = {"state": state, "amount": amount} | ({"payment_id": payment_id} if payment_id else {})
    return client.post(
        reverse("api_order_payment", args=["web-9"]),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {shop_issue_api_key(shop=shop)}"},
    )


def amounts(order):
    order.refresh_from_db()
    return order.payment_state, order.paid_amount, order.balance_due


def test_partly_paid_adds_up_and_paid_covers_the_rest(client, shop, order):
    assert pay(client, shop, "partly_paid", "12000").json()["payment_state"] == "partly_paid"
    assert amounts(order) == ("partly_paid", 12000, 28000)
    pay(client, shop, "paid", "28000")
    assert amounts(order) == ("paid", 40000, 0)


def test_a_paid_event_that_does_not_cover_the_total_is_partly_paid(client, shop, order):
    pay(client, shop, "paid", "100")
    assert amounts(order) == ("partly_paid", 100, 39900)


def test_a_refund_takes_the_money_back_never_below_nothing(client, shop, order):
    pay(client, shop, "paid", "40000")
    pay(client, shop, "refunded", "15000")
    assert amounts(order) == ("refunded", 25000, 15000)
    pay(client, shop, "refunded", "99999")
    assert amounts(order) == ("refunded", 0, 40000)


def test_a_failure_keeps_what_was_paid(client, shop, order):
    pay(client, shop, "partly_paid", "12000")
    pay(client, shop, "failed", "28000")
    assert amounts(order) == ("failed", 12000, 28000)


def test_a_retry_with_the_same_payment_id_changes_nothing(client, shop, order):
    assert pay(client, shop, "partly_paid", "12000", payment_id="pay-1").status_code == 200
    again = pay(client, shop, "partly_paid", "12000.00", payment_id="pay-1")
    assert again.status_code == 200 and again.json()["payment_state"] == "partly_paid"
    assert amounts(order) == ("partly_paid", 12000, 28000)
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT).count() == 1


def test_the_same_payment_id_with_another_amount_is_a_409_and_nothing_changes(client, shop, order):
    pay(client, shop, "partly_paid", "12000", payment_id="pay-1")
    conflict = pay(client, shop, "paid", "13000", payment_id="pay-1")
    assert conflict.status_code == 409 and conflict.json()["differing"] == ["state", "amount"]
    assert amounts(order) == ("partly_paid", 12000, 28000)


def test_an_unknown_state_or_a_long_payment_id_is_a_400(client, shop, order):
    bad = pay(client, shop, "stolen", "1", payment_id="x" * 65)
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"state", "payment_id"}


def test_the_order_page_shows_paid_and_due_in_the_readers_language(client, shop, order, speaking):
    anna = free_manager(username="anna")
    grant(anna, shops=[shop])
    client.force_login(anna)
    pay(client, shop, "partly_paid", "12000")
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Paid ₽12,000 of ₽40,000, ₽28,000 due" in page
    with speaking("ru"):
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Оплачено 12\xa0000\xa0₽ из 40\xa0000\xa0₽, к оплате 28\xa0000\xa0₽" in page
    assert "Частично оплачен" in page
