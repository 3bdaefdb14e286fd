import pytest
import time_machine

from config.fake_twilio import FakeTwilio
from notifications.models import MessageTemplate
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM  # noqa: F401 (used by the tests)
from tests.factories import ShopFactory, free_manager, make_order, msk

NOON = msk(2026, 11, 24, 12, 0)


@pytest.fixture
def shop():
    return ShopFactory(always_open=True)


@pytest.fixture
def anna(shop):
    return free_manager(shops=[shop], first_name="Anna", last_name="Smirnova")


@pytest.fixture
def order(shop, anna):
    """Olga's order, Anna's to work, placed at noon on the desk's clock."""
    with time_machine.travel(NOON, tick=False):
        return make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna)


def sms_template(name="Order confirmed", body="Hello {{ customer.name }}, order {{ order.number }} is confirmed."):
    return MessageTemplate.objects.create(name=name, channel="sms", body=body)


def whatsapp_template(name="Parcel waiting"):
    return MessageTemplate.objects.create(
        name=name,
        channel="whatsapp",
        body="Your order {{ order.number }} waits at the pick-up point.",
        content_sid="HX" + "ab" * 16,
        content_variables={"1": "{{ customer.name }}", "2": "{{ order.number }}"},
    )


def email_template(name="Shipped"):
    return MessageTemplate.objects.create(
        name=name,
        channel="email",
        subject="Order {{ order.number }} is on its way",
        body="Hello {{ customer.name }},\nyour order <b>{{ order.number }}</b> has left {{ shop.name }}.",
    )


def delivered_to(fake: FakeTwilio, to: str) -> list:
    """What Twilio accepted (not the refused tries) for this address."""
    return [sent for sent in fake.sent if sent.sid and sent.form["To"] == to]
