import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from orders.models import ApiKey, Customer, Order, OrderEvent, OrderItem, hash_api_key
from orders.services import shop_issue_api_key
from tests.factories import ShopFactory, make_order, manager

pytestmark = pytest.mark.django_db

INTAKE = "/api/v1/orders/"


@pytest.fixture
def shop():
    return ShopFactory(code="garden")


@pytest.fixture
def key(shop):
    return shop_issue_api_key(shop=shop)


def body(**overrides):
    data = {
        "external_id": "web-1",
        "customer": {
            "name": "Ivan Petrov",
            "phone": "+79161112233",
            "email": "ivan@example.com",
            "type": "person",
        },
        "method": "cart",
        "region": "Moscow",
        "items": [{"sku": "A1", "name": "Teapot", "qty": 2, "price": "450.50"}],
        "comment": "Call after six",
    }
    data.update(overrides)
    return data


def post(client, key, data, url=INTAKE):
    payload = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, payload, content_type="application/json", headers={"Authorization": f"Bearer {key}"})


def counts():
    return Order.objects.count(), Customer.objects.count(), OrderItem.objects.count(), OrderEvent.objects.count()


def test_a_new_order_is_created_with_its_customer_and_items(client, key, shop):
    response = post(client, key, body())
    assert response.status_code == 201
    data = response.json()
    order = Order.objects.get(number=data["number"])
    assert data == {
        "number": order.number,
        "external_id": "web-1",
        "status": "new",
        "manager": None,
        "payment_state": "unpaid",
    }
    assert order.shop == shop and order.total == 901 and order.region == "Moscow" and order.method == "cart"
    assert order.customer.phone == "+79161112233" and order.order_type == "b2c"
    assert order.items.get().name == "Teapot"
    assert order.events.get().kind == OrderEvent.Kind.CREATED


def test_the_same_order_sent_again_returns_the_same_order(client, key):
    first = post(client, key, body())
    # The same content written another way: keys in another order, the price without its trailing zero.
    again = post(
        client,
        key,
        json.dumps(
            dict(reversed(body(items=[{"price": 450.5, "qty": 2, "name": "Teapot", "sku": "A1"}]).items()))
        ),
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert counts() == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("changes", "differing"),
    [
        ({"comment": "a different comment"}, ["comment"]),
        ({"items": [{"sku": "A1", "name": "Teapot", "qty": 3, "price": "450.50"}]}, ["items"]),
        (
            {"customer": {"name": "Someone Else", "phone": "+79160000000"}, "region": "Kazan"},
            ["customer", "region"],
        ),
    ],
)
def test_the_same_external_id_with_other_content_is_a_409_naming_the_differing_fields(
    client, key, changes, differing
):
    first = post(client, key, body())
    conflict = post(client, key, body(**changes))
    assert conflict.status_code == 409
    assert conflict.json()["differing"] == differing and conflict.json()["number"] == first.json()["number"]
    assert "send a new external_id" in conflict.json()["error"]
    assert counts() == (1, 1, 1, 1)
    assert Order.objects.get().comment == "Call after six"


def test_a_company_customer_makes_a_b2b_order_and_repeat_customers_are_reused(client, key):
    post(client, key, body(customer={"name": "OOO Roga", "phone": "+79161112233", "type": "company"}))
    post(client, key, body(external_id="web-2", customer={"name": "OOO Roga", "phone": "+79161112233"}))
    assert Customer.objects.count() == 1
    assert list(Order.objects.order_by("pk").values_list("order_type", flat=True)) == ["b2b", "b2b"]


def test_a_repeat_customer_is_written_only_when_the_order_brings_something_new(client, key):
    post(client, key, body(customer={"name": "Ivan", "phone": "+79161112233"}))
    with CaptureQueriesContext(connection) as same:
        post(client, key, body(external_id="web-2", customer={"name": "Ivan", "phone": "+79161112233"}))
    with CaptureQueriesContext(connection) as more:
        post(
            client,
            key,
            body(external_id="web-3", customer={"name": "Ivan", "phone": "+79161112233", "email": "i@ex.ru"}),
        )
    customer_writes = [
        [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "orders_customer"')]
        for ctx in (same, more)
    ]
    assert customer_writes[0] == [] and len(customer_writes[1]) == 1
    customer = Customer.objects.get()
    assert (customer.name, customer.email) == ("Ivan", "i@ex.ru")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(external_id=""), "external_id"),
        (body(method="telepathy"), "method"),
        (body(items=[]), "items"),
        (body(items=[{"name": "Teapot", "qty": 0, "price": "1"}]), "items"),
        (body(items=[{"name": "Teapot", "qty": 1, "price": "-5"}]), "items"),
        (body(customer={"name": "No contact"}), "customer"),
        (body(customer={"name": "Bad phone", "phone": "8-916-111"}), "customer"),
        (body(customer="Ivan"), "customer"),
    ],
)
def test_bad_fields_get_400_with_field_errors_and_nothing_saved(client, key, payload, field):
    response = post(client, key, payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", ""])
def test_a_body_that_is_not_a_json_object_gets_400(client, key, raw):
    response = post(client, key, raw)
    assert response.status_code == 400 and "JSON object" in response.json()["error"]
    assert counts() == (0, 0, 0, 0)


def test_a_missing_or_wrong_key_gets_401(client, key):
    assert post(client, "wrong", body()).status_code == 401
    assert client.post(INTAKE, json.dumps(body()), content_type="application/json").status_code == 401
    assert counts() == (0, 0, 0, 0)


def test_the_orders_address_takes_post_and_get_only(client, key):
    """POST takes an order in, GET lists changes (tests/orders/test_api_status.py); nothing else."""
    assert client.put(INTAKE, headers={"Authorization": f"Bearer {key}"}).status_code == 405


def test_a_status_in_the_body_is_ignored(client, key):
    post(client, key, body(status="complete"))
    assert Order.objects.get().status == "new"


def test_a_new_key_under_the_same_name_replaces_the_old_one(client, key, shop):
    out = StringIO()
    call_command("shop_api_key", "garden", stdout=out)
    new_key = out.getvalue().strip()
    assert new_key.startswith("od_garden_")
    assert post(client, key, body()).status_code == 401
    assert post(client, new_key, body()).status_code == 201
    # Only the key's hash is kept: nothing stored gives the key back.
    live = ApiKey.objects.get(shop=shop, revoked_at__isnull=True)
    assert live.key_hash == hash_api_key(new_key) != hash_api_key(key)
    assert new_key not in json.dumps(list(ApiKey.objects.values()), default=str)


def test_a_paid_payment_is_recorded(client, key, shop):
    order = make_order(shop, external_id="web-9")
    response = post(
        client, key, {"state": "paid", "amount": "900"}, url=reverse("api_order_payment", args=["web-9"])
    )
    assert response.status_code == 200 and response.json()["payment_state"] == "paid"
    order.refresh_from_db()
    assert order.payment_state == "paid" and order.paid_amount == 900 and order.status == "new"


def pay(client, key, state, amount, external_id="web-9"):
    url = reverse("api_order_payment", args=[external_id])
    return post(client, key, {"state": state, "amount": amount}, url=url)


def test_partial_payments_add_up_until_the_total_is_covered(client, key, shop):
    order = make_order(shop, external_id="web-9")  # 900
    assert pay(client, key, "paid", "400").json()["payment_state"] == "partly_paid"  # 400 does not cover 900
    response = pay(client, key, "partly_paid", "500.50")
    assert response.status_code == 200 and response.json()["payment_state"] == "paid"
    order.refresh_from_db()
    assert order.paid_amount == Decimal("900") and order.balance_due == 0  # what was paid counts as the total
    assert [event.data["amount"] for event in order.events.filter(kind=OrderEvent.Kind.PAYMENT)] == [
        "400",
        "500.50",
    ]


def test_a_failed_payment_after_a_partial_one_keeps_what_was_received(client, key, shop):
    order = make_order(shop, external_id="web-9")
    pay(client, key, "paid", "400")
    assert pay(client, key, "failed", "500").status_code == 200
    order.refresh_from_db()
    assert order.payment_state == "failed" and order.paid_amount == Decimal("400")
    assert [event.text for event in order.events.filter(kind=OrderEvent.Kind.PAYMENT)] == [
        "Partly paid: ₽400",
        "Payment failed: ₽500",
    ]


def test_a_failed_payment_alerts_the_responsible_manager(client, key, shop):
    user = manager()
    make_order(shop, external_id="web-9", manager=user)
    response = post(
        client, key, {"state": "failed", "amount": "900"}, url=reverse("api_order_payment", args=["web-9"])
    )
    assert response.status_code == 200
    alert = Notification.objects.get(recipient=user, kind=Notification.Kind.PAYMENT_FAILED)
    assert "call the customer" in alert.text


def test_payment_errors(client, key, shop):
    make_order(ShopFactory(), external_id="elsewhere")
    make_order(shop, external_id="web-9")
    url = reverse("api_order_payment", args=["web-9"])
    assert (
        post(
            client, key, {"state": "paid", "amount": "1"}, url=reverse("api_order_payment", args=["elsewhere"])
        ).status_code
        == 404
    )
    bad = post(client, key, {"state": "stolen", "amount": "x"}, url=url)
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"state", "amount"}
    assert post(client, "wrong", {"state": "paid", "amount": "1"}, url=url).status_code == 401
    assert Order.objects.get(external_id="web-9").payment_state == "unpaid"


def test_intake_stores_a_phone_typed_any_common_way_in_e164_and_finds_the_customer_again(client, key):
    post(client, key, body(customer={"name": "Ivan Petrov", "phone": "8 (916) 111-22-33"}))
    post(client, key, body(external_id="web-2", customer={"name": "Ivan Petrov", "phone": "+7 916 111 22 33"}))
    assert list(Customer.objects.values_list("phone", flat=True)) == ["+79161112233"]
    assert Order.objects.filter(customer__phone="+79161112233").count() == 2


def test_intake_with_only_an_email_finds_the_customer_who_also_has_a_phone_in_any_case(client, key):
    post(client, key, body())  # Ivan Petrov, with his phone and ivan@example.com
    post(client, key, body(external_id="web-2", customer={"name": "Ivan Petrov", "email": " Ivan@Example.com "}))
    assert Order.objects.filter(customer__phone="+79161112233").count() == 2
    customer = Customer.objects.get()  # one Ivan, and the same address in capitals changed nothing
    assert customer.email == "ivan@example.com" and not customer.events.exists()
