"""The caller's card a ringing call shows the manager: who is calling, their orders and messages; only for the
manager the call rang and the shop's supervisors; an unknown caller leads to a new order for their number."""

import re
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import InboundMessage, OutboundMessage
from orders.models import Customer, Order
from tests.factories import (
    MSK,
    CustomerFactory,
    ShopFactory,
    free_manager,
    grant,
    inspector,
    make_order,
    manager,
    ring,
    ring_end,
    supervisor,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=MSK)


@pytest.fixture(autouse=True)
def noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def shop():
    return ShopFactory(name="Green Garden", always_open=True)


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_the_card_shows_the_caller_their_manager_open_orders_with_clocks_and_last_messages(client, shop, anna):
    boris = manager(username="boris", first_name="Boris", last_name="Orlov")
    order = make_order(shop, phone="+79161234567", customer_name="Maria Volkova", vip=True, manager=anna)
    done = make_order(shop, phone="+79161234567", customer_name="Maria Volkova")
    Order.objects.filter(pk=done.pk).update(is_final=True)
    customer = order.customer
    Customer.objects.filter(pk=customer.pk).update(responsible_manager=boris)
    customer.refresh_from_db()
    InboundMessage.objects.create(
        message_sid="SM1",
        channel="sms",
        from_address=customer.phone,
        body="Where is my teapot?",
        customer=customer,
    )
    OutboundMessage.objects.create(
        customer=customer, channel="sms", purpose="manual", to=customer.phone, body="It leaves today."
    )
    leg = ring(anna, customer=customer)
    client.force_login(anna)

    response = client.get(reverse("calls:card", args=[leg.call_id]))

    assert response.status_code == 200
    text = _text(response)
    assert "Incoming call" in text
    assert "Maria Volkova VIP" in text
    assert "their manager: Boris Orlov" in text
    assert order.number in text and done.number not in text  # open orders only
    assert order.deadline is not None and 'data-testid="due"' in response.content.decode()  # the list's clock
    assert "Where is my teapot?" in text and "It leaves today." in text
    assert reverse("orders:customer", args=[customer.pk]) in response.content.decode()
    assert "Unknown caller" not in text


def test_an_unknown_caller_gets_a_new_order_for_their_number(client, shop, anna):
    stranger = Customer.objects.create(shop=shop, name="", phone="+79165550101")  # ring's phone-only customer
    leg = ring(anna, customer=stranger)
    client.force_login(anna)

    response = client.get(reverse("calls:card", args=[leg.call_id]))

    text = _text(response)
    assert "Unknown caller" in text and "+79165550101" in text
    new_order = f"{reverse('orders:new')}?phone=%2B79165550101&amp;shop={shop.pk}"
    assert new_order in response.content.decode()


def test_a_caller_with_no_name_but_an_order_is_not_unknown(client, shop, anna):
    order = make_order(shop, phone="+79165550102")
    Customer.objects.filter(pk=order.customer_id).update(name="")  # e.g. a customer who wrote in, never named
    order.customer.refresh_from_db()
    leg = ring(anna, customer=order.customer)
    client.force_login(anna)

    text = _text(client.get(reverse("calls:card", args=[leg.call_id])))

    assert "Unknown caller" not in text and order.number in text


def test_the_card_says_when_the_call_has_rung_out_here(client, shop, anna):
    leg = ring_end(ring(anna, customer=CustomerFactory(shop=shop)), answered=False)
    client.force_login(anna)

    assert "Call ended unanswered" in _text(client.get(reverse("calls:card", args=[leg.call_id])))


def test_only_the_rung_manager_and_the_shops_supervisors_see_the_card(client, shop, anna):
    leg = ring(anna, customer=CustomerFactory(shop=shop, name="Maria Volkova"))
    url = reverse("calls:card", args=[leg.call_id])
    colleague = free_manager(username="boris", shops=[shop])
    watching = supervisor(username="sveta")
    grant(watching, shops=[shop])
    elsewhere = supervisor(username="oleg")
    grant(elsewhere, shops=[ShopFactory()])
    reader = inspector(username="ira")

    for person, status in ((anna, 200), (watching, 200), (colleague, 403), (elsewhere, 403), (reader, 403)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == status, person.username
        assert ("Maria Volkova" in response.content.decode()) is (status == 200), person.username
    client.force_login(anna)
    assert client.get(reverse("calls:card", args=[leg.call_id + 1000])).status_code == 404


def test_the_card_reads_a_fixed_number_of_queries_however_long_the_history(client, shop, anna):
    def card_queries(customer) -> int:
        leg = ring(anna, customer=customer)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("calls:card", args=[leg.call_id])).status_code == 200
        ring_end(leg)
        return len(queries)

    client.force_login(anna)
    small = make_order(shop, phone="+79165550103").customer
    InboundMessage.objects.create(message_sid="SMsmall", channel="sms", from_address=small.phone, customer=small)
    big = make_order(shop, phone="+79165550104").customer
    for n in range(6):
        make_order(shop, phone=big.phone)
        InboundMessage.objects.create(
            message_sid=f"SMbig{n}", channel="sms", from_address=big.phone, body=f"Hello {n}", customer=big
        )

    card_queries(small)  # the first request of a session also notes the manager's activity
    assert card_queries(small) == card_queries(big)


def test_the_new_order_page_starts_with_the_callers_number_and_shop(client, shop, anna):
    other = ShopFactory(name="Blue Lagoon")
    grant(anna, shops=[other, shop])
    client.force_login(anna)

    response = client.get(reverse("orders:new"), {"phone": "+79165550101", "shop": shop.pk})

    form = response.context["form"]
    assert form["phone"].value() == "+79165550101" and form["shop"].value() == shop.pk


def test_the_new_order_page_ignores_a_number_or_shop_it_cannot_take(client, shop, anna):
    foreign = ShopFactory(name="Not granted")
    client.force_login(anna)

    response = client.get(reverse("orders:new"), {"phone": "call me", "shop": foreign.pk})

    assert response.status_code == 200
    form = response.context["form"]
    assert not form["phone"].value() and form["shop"].value() == shop.pk


def _new_order(client, shop, **fields):
    data = {
        "shop": shop.pk, "phone": "+79165550101", "email": "", "name": "", "method": "phone",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-sku": "", "items-0-name": "Garden hose", "items-0-qty": "1", "items-0-price": "1890",
        **fields,
    }  # fmt: skip
    return client.post(reverse("orders:new"), data)


def test_an_order_for_a_caller_known_only_by_their_phone_names_them(client, shop, anna):
    stranger = Customer.objects.create(shop=shop, name="", phone="+79165550101")
    client.force_login(anna)

    assert _new_order(client, shop, name="Pavel Sokolov").status_code == 302
    order = Order.objects.get()
    stranger.refresh_from_db()
    assert order.customer_id == stranger.pk and stranger.name == "Pavel Sokolov"
