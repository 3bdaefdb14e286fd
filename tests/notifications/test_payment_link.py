"""A payment link: the shop's template (checked when saved: an https address with only the known placeholders)
filled in for an order, `{{ payment_link }}` in message templates, and "Send payment link" on the order page
through the outbox as staff write (the WhatsApp window as for free text), refused when there is nothing to pay."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import InboundMessage, OutboundMessage
from notifications.services import payment_link_send
from notifications.services.templates import customer_render
from orders.models import Order, OrderEvent, Shop
from orders.payment_links import payment_link
from orders.services import order_record_payment
from tests.factories import ShopFactory, grant, inspector, make_order, supervisor
from tests.notifications.conftest import NOON, sms_template

pytestmark = pytest.mark.django_db

LINK = "https://shop.example/pay?order={external_id}&amount={balance}&n={number}"


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, payment_link_template=LINK)


@pytest.fixture
def order(shop, anna):
    with time_machine.travel(NOON, tick=False):
        return make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna, external_id="web 7/1")


def test_the_link_carries_the_orders_external_id_number_and_balance_each_quoted(order):
    Order.objects.filter(pk=order.pk).update(paid_amount=Decimal("100.50"))
    order.refresh_from_db()
    assert payment_link(order) == f"https://shop.example/pay?order=web%207%2F1&amount=799.50&n={order.number}"


def test_a_message_template_writes_the_link_and_it_is_empty_for_a_shop_without_one(order):
    template = sms_template(name="Pay", body="Pay here: {{ payment_link }}")
    assert customer_render(template, order=order, customer=order.customer).body.startswith(
        "Pay here: https://shop.example/pay?order=web%207%2F1&amount=900.00"
    )
    Shop.objects.filter(pk=order.shop_id).update(payment_link_template="")
    order = Order.objects.select_related("shop").get(pk=order.pk)
    assert customer_render(template, order=order, customer=order.customer).body == "Pay here:"


def test_sending_the_link_queues_a_message_in_the_customers_language_with_a_history_line(order, anna):
    Shop.objects.filter(pk=order.shop_id).update(customer_language="ru")
    order = Order.objects.select_related("shop").get(pk=order.pk)
    with time_machine.travel(NOON, tick=False):  # the customer's day: it goes at once
        message = payment_link_send(order=order, by=anna, channel="sms")
    assert message.state == OutboundMessage.State.PENDING and message.author == anna
    assert message.body == (
        f"Заказ {order.number}: к оплате 900\xa0₽. Оплатить можно по ссылке: "
        "https://shop.example/pay?order=web%207%2F1&amount=900.00&n=" + order.number
    )
    line = order.events.get(kind=OrderEvent.Kind.MESSAGE)
    assert (line.text, line.actor) == ("Wrote to the customer by SMS.", anna)


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("no template", "The shop has no payment link"),
        ("paid", "The order is paid"),
        ("nothing due", "Nothing is due on this order"),
        ("whatsapp outside the window", "WhatsApp takes free text only within 24 hours"),
    ],
)
def test_sending_is_refused_saying_why_and_nothing_is_queued(client, order, anna, case, says):
    channel = "whatsapp" if case.startswith("whatsapp") else "sms"
    if case == "no template":
        Shop.objects.filter(pk=order.shop_id).update(payment_link_template="")
    elif case == "paid":
        order_record_payment(order=order, state=Order.PaymentState.PAID, amount=Decimal("900"))
    elif case == "nothing due":
        Order.objects.filter(pk=order.pk).update(total=Decimal("0"))
    client.force_login(anna)
    response = client.post(reverse("notifications:order_payment_link", args=[order.pk]), {"channel": channel})
    assert response.status_code == 302
    assert says in client.get(response.url).content.decode()
    assert not OutboundMessage.objects.exists() and not order.events.filter(kind=OrderEvent.Kind.MESSAGE).exists()


def test_whatsapp_goes_within_24_hours_of_the_customers_last_message(order, anna):
    InboundMessage.objects.create(
        message_sid="SM1", customer=order.customer, order=order, channel="whatsapp", from_address="whatsapp:+1"
    )
    assert payment_link_send(order=order, by=anna, channel="whatsapp").channel == "whatsapp"


def test_the_order_page_offers_it_to_those_who_work_orders_and_not_to_inspectors(client, order, anna, shop):
    boss, reader = supervisor(username="boss"), inspector(username="reader")
    grant(reader, shops=[shop])
    url = reverse("notifications:order_payment_link", args=[order.pk])
    for person, offered, answer in ((anna, True, 302), (boss, True, 302), (reader, False, 403)):
        client.force_login(person)
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
        assert ('data-testid="payment-link-form"' in page) is offered
        assert client.post(url, {"channel": "sms"}).status_code == answer
    assert OutboundMessage.objects.filter(purpose="manual").count() == 2
    assert client.get(url).status_code in (403, 405)  # a GET never sends


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("ftp://shop.example/pay?o={external_id}", "starting with https://"),
        ("http://shop.example/pay?o={external_id}", "starting with https://"),
        ("shop.example/pay", "starting with https://"),
        ("https://shop.example/pay?o={id}", "Unknown placeholder {id}"),
        ("https://shop.example/pay?o={balance:.0f}", "Unknown placeholder {balance:.0f}"),
        ("https://shop.example/pay?o={external_id", "A brace is not closed"),
        ("https://shop.example/pay?o={0}", "Unknown placeholder {0}"),
    ],
)
def test_a_payment_link_that_is_not_an_https_address_with_known_placeholders_is_refused(typed, says):
    with pytest.raises(ValidationError) as refused:
        ShopFactory.build(code="s1", payment_link_template=typed).full_clean()
    assert says in refused.value.message_dict["payment_link_template"][0]


def test_http_is_allowed_while_debugging(settings):
    settings.DEBUG = True
    ShopFactory.build(code="s1", payment_link_template="http://127.0.0.1:8000/pay/{number}").full_clean()


def test_admin_refuses_a_nonsense_link_and_keeps_what_was_typed(admin_client):
    add = reverse("admin:orders_shop_add")
    page = admin_client.get(add).content.decode()
    data = {name: 0 for name in re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL)_FORMS)"', page)}
    data |= {
        "code": "garden",
        "name": "Green Garden",
        "timezone": "Europe/Moscow",
        "opens_at": "09:00",
        "closes_at": "21:00",
        "working_days": "1234567",
        "currency": "RUB",
        "customer_language": "ru",
        "quiet_from": "21:00",
        "quiet_to": "09:00",
        "api_requests_per_minute": 120,
        "first_reply_within": "5 min",
    }
    refused = admin_client.post(add, data | {"payment_link_template": "https://shop.example/pay?o={order}"})
    assert refused.status_code == 200 and not Shop.objects.filter(code="garden").exists()
    assert "Unknown placeholder {order}" in refused.content.decode()
    assert 'value="https://shop.example/pay?o={order}"' in refused.content.decode()
    saved = admin_client.post(add, data | {"payment_link_template": LINK})
    assert saved.status_code == 302 and Shop.objects.get(code="garden").payment_link_template == LINK
