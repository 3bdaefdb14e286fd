"""What the storefront knows, the desk keeps (seed 001: how the customer pays, when and where to deliver): the
payment method, the delivery method and a delivery slot come in through intake (in its 409 fingerprint), the New
order page and Edit, each change a history line, and the order page says them in the shop's words."""

import json
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Customer, Order, OrderEvent, OrderItem
from orders.services import SLOT_FIELDS, order_edit, shop_issue_api_key
from tests.factories import ShopFactory, free_manager, make_order

pytestmark = pytest.mark.django_db

INTAKE = "/api/v1/orders/"
# A delivery a few days ahead, whatever the day the suite runs.
SOON = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def shop():
    return ShopFactory(code="garden", always_open=True)


@pytest.fixture
def key(shop):
    return shop_issue_api_key(shop=shop)


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Anna", last_name="S", shops=[shop])


def body(**overrides):
    data = {
        "external_id": "web-1",
        "customer": {"name": "Ivan Petrov", "phone": "+79161112233"},
        "items": [{"sku": "A1", "name": "Teapot", "qty": 1, "price": "1890"}],
        "payment_method": "card_on_delivery",
        "delivery_method": "courier",
        "delivery_date": SOON.isoformat(),
        "delivery_time_from": "14:00",
        "delivery_time_to": "16:00",
    }
    return data | overrides


def post(client, key, data):
    return client.post(
        INTAKE, json.dumps(data), content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def nothing_saved():
    return (Order.objects.count(), Customer.objects.count(), OrderItem.objects.count()) == (0, 0, 0)


def test_intake_keeps_how_the_customer_pays_and_when_and_how_it_is_delivered(client, key):
    assert post(client, key, body()).status_code == 201
    order = Order.objects.get()
    assert (order.payment_method, order.delivery_method) == ("card_on_delivery", "courier")
    assert (order.delivery_date, order.delivery_time_from, order.delivery_time_to) == (SOON, time(14), time(16))
    assert order.delivery_slot == "14:00–16:00"


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"payment_method": "bitcoin"}, "payment_method", "Select a valid choice"),
        ({"delivery_method": "drone"}, "delivery_method", "Select a valid choice"),
        ({"delivery_date": "12.12.2026"}, "delivery_date", "Enter a valid date"),
        ({"delivery_time_from": "2pm"}, "delivery_time_from", "Enter a valid time"),
        # JSON that is not a string where a day or a time belongs (schemathesis found the 500 this was)
        ({"delivery_time_to": [None, None]}, "delivery_time_to", "Enter a valid time"),
        ({"delivery_date": 20261212}, "delivery_date", "Enter a valid date"),
        ({"delivery_time_to": "13:00"}, "delivery_time_to", "must end after it starts"),
        ({"delivery_time_to": "14:00"}, "delivery_time_to", "must end after it starts"),
        ({"delivery_date": ""}, "delivery_date", "needs a delivery date"),
        ({"delivery_time_to": ""}, "delivery_time_to", "both its start and its end"),
    ],
)
def test_intake_refuses_a_bad_method_or_slot_with_the_fields_error_and_saves_nothing(
    client, key, changes, field, says
):
    response = post(client, key, body(**changes))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field] and says in response.json()["fields"][field][0]
    assert nothing_saved()


@pytest.mark.parametrize(
    "changes",
    [
        {"payment_method": "cash_on_delivery"},
        {"delivery_method": "pickup"},
        {"delivery_date": (SOON + timedelta(days=1)).isoformat()},
        {"delivery_time_from": "15:00"},
        {"delivery_time_to": "17:00"},
    ],
)
def test_the_same_external_id_with_another_payment_or_slot_is_a_409_naming_it(client, key, changes):
    assert post(client, key, body()).status_code == 201
    assert post(client, key, body()).status_code == 200  # a retry
    conflict = post(client, key, body(**changes))
    assert conflict.status_code == 409 and conflict.json()["differing"] == list(changes)
    assert Order.objects.count() == 1


def test_an_order_accepted_before_slots_were_kept_answers_its_retry_not_a_409(client, key):
    """Its fingerprint has no hash of the new fields: a retry of it is still a retry."""
    plain = body(**dict.fromkeys(SLOT_FIELDS, ""))
    assert post(client, key, plain).status_code == 201
    order = Order.objects.get()
    old = {name: value for name, value in order.intake_fingerprint.items() if name not in SLOT_FIELDS}
    Order.objects.filter(pk=order.pk).update(intake_fingerprint=old)
    assert post(client, key, plain).status_code == 200
    assert post(client, key, plain | {"comment": "other"}).status_code == 409  # the fields it has still count


def new_order_posted(shop, **changes):
    data = {
        "shop": shop.pk,
        "phone": "8 916 123-45-67",
        "email": "",
        "name": "Ivan Petrov",
        "method": "phone",
        "payment_method": "cash_on_delivery",
        "delivery_method": "courier",
        "delivery_address": "Tverskaya 1",
        "delivery_date": SOON.isoformat(),
        "delivery_time_from": "10:00",
        "delivery_time_to": "12:30",
        "comment": "",
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 1,
        "items-MAX_NUM_FORMS": 1000,
        "items-0-sku": "GR-101",
        "items-0-name": "Garden hose",
        "items-0-qty": 1,
        "items-0-price": "1890",
    }
    return data | changes


def test_a_phoned_in_order_keeps_its_payment_and_delivery_slot(client, shop, anna):
    client.force_login(anna)
    response = client.post(reverse("orders:new"), new_order_posted(shop))
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.payment_method, order.delivery_method, order.delivery_slot) == (
        "cash_on_delivery",
        "courier",
        "10:00–12:30",
    )


def test_the_new_order_page_refuses_a_slot_without_a_day_keeping_what_was_typed(client, shop, anna):
    client.force_login(anna)
    response = client.post(reverse("orders:new"), new_order_posted(shop, delivery_date=""))
    assert response.status_code == 400 and not Order.objects.exists()
    page = response.content.decode()
    assert "A delivery slot needs a delivery date" in page and 'value="10:00"' in page


@pytest.fixture
def order(shop, anna):
    return make_order(shop, manager=anna, delivery_address="Tverskaya 1", delivery_date=SOON)


def slot_edit(order, by, **fields):
    current = {
        f: getattr(order, f)
        for f in (
            "payment_method",
            "delivery_method",
            "delivery_address",
            "delivery_date",
            "delivery_time_from",
            "delivery_time_to",
            "tracking_code",
            "comment",
        )
    }
    rows = [{"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()]
    return order_edit(order=order, by=by, seen_at=order.updated_at, items=rows, **(current | fields))


def test_each_payment_and_slot_change_is_a_history_line_with_who_and_when(order, anna):
    lines = slot_edit(
        order,
        anna,
        payment_method="card_online",
        delivery_method="pickup_point",
        delivery_time_from=time(14),
        delivery_time_to=time(16),
    )
    expected = [
        "Payment method: — → Card online",
        "Delivery method: — → Pick-up point",
        "Delivery from: — → 14:00",
        "Delivery until: — → 16:00",
    ]
    assert lines == expected
    events = list(order.events.filter(kind=OrderEvent.Kind.EDIT).order_by("pk"))
    assert [event.text for event in events] == expected
    assert {event.actor for event in events} == {anna} and all(event.created_at for event in events)
    order.refresh_from_db()
    assert slot_edit(order, anna, delivery_time_to=time(15, 30)) == ["Delivery until: 16:00 → 15:30"]


def test_an_edit_page_opened_before_a_slot_change_is_refused(client, order, anna):
    client.force_login(anna)
    page = client.get(reverse("orders:edit", args=[order.pk])).content.decode()
    seen_at = order.updated_at.isoformat()
    assert f'value="{seen_at}"' in page
    order.refresh_from_db()
    slot_edit(order, anna, delivery_time_from=time(9), delivery_time_to=time(11))
    (item,) = order.items.all()
    stale = {
        "seen_at": seen_at,
        "payment_method": "",
        "delivery_method": "",
        "delivery_address": "Tverskaya 1",
        "delivery_date": SOON.isoformat(),
        "delivery_time_from": "18:00",
        "delivery_time_to": "20:00",
        "tracking_code": "",
        "comment": "",
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 1,
        "items-MIN_NUM_FORMS": 1,
        "items-MAX_NUM_FORMS": 1000,
        "items-0-id": item.pk,
        "items-0-sku": item.sku,
        "items-0-name": item.name,
        "items-0-qty": item.qty,
        "items-0-price": "1890",
    }
    response = client.post(reverse("orders:edit", args=[order.pk]), stale)
    assert response.status_code == 400 and "changed since you opened it" in response.content.decode()
    order.refresh_from_db()
    assert order.delivery_slot == "09:00–11:00"


def test_the_edit_page_refuses_a_slot_that_ends_before_it_starts(client, order, anna):
    client.force_login(anna)
    (item,) = order.items.all()
    response = client.post(
        reverse("orders:edit", args=[order.pk]),
        {
            "seen_at": order.updated_at.isoformat(),
            "delivery_date": SOON.isoformat(),
            "delivery_time_from": "16:00",
            "delivery_time_to": "14:00",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 1,
            "items-MIN_NUM_FORMS": 1,
            "items-MAX_NUM_FORMS": 1000,
            "items-0-id": item.pk,
            "items-0-name": item.name,
            "items-0-qty": 1,
            "items-0-price": "1890",
        },
    )
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    assert not order.events.filter(kind=OrderEvent.Kind.EDIT).exists()


def test_the_order_page_says_the_delivery_and_payment_in_the_readers_words(client, shop, anna, speaking):
    order = make_order(
        shop,
        manager=anna,
        payment_method="card_on_delivery",
        delivery_method="courier",
        delivery_date=date(2026, 12, 12),
        delivery_time_from=time(14),
        delivery_time_to=time(16),
    )
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Courier, 12 Dec, 14:00–16:00" in page and ">Card on delivery<" in page
    with speaking("ru"):
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Курьер, 12 дек., 14:00–16:00" in page and ">Картой при получении<" in page
