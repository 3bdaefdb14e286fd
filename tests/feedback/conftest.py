from datetime import timedelta

import pytest
import time_machine
from twilio.request_validator import RequestValidator

from feedback.models import FeedbackRequest, ShopFeedback
from feedback.services import feedback_send_due
from orders.services import order_change_status
from tests.conftest import AUTH_TOKEN
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order, msk

NOON = msk(2026, 11, 24, 12, 0)
CONTENT_SID = "HX" + "fe" * 16
SITE = "https://desk.example.com"


@pytest.fixture
def shop():
    shop = ShopFactory(always_open=True, name="Green Garden")
    ShopFeedback.objects.create(
        shop=shop, signer="Maria, Green Garden", whatsapp_content_sid=CONTENT_SID, delay=timedelta(days=3)
    )
    return shop


@pytest.fixture
def anna(shop):
    return free_manager(shops=[shop], first_name="Anna", last_name="Smirnova")


@pytest.fixture
def igor(shop):
    checker = inspector(username="igor", first_name="Igor", last_name="")
    grant(checker, shops=[shop])
    return checker


def complete(order, by):
    for code in ("approval", "assembly", "delivery", "complete"):
        order_change_status(order=order, target=code, by=by)
    return order


@pytest.fixture
def delivered(shop, anna):
    """Olga's order (a Russian mobile, an email too), completed at noon by Anna."""
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna)
        order.customer.email = "olga@example.com"
        order.customer.save()
        return complete(order, anna)


@pytest.fixture
def asked(twilio, delivered):
    """The request has gone out on WhatsApp three days after completion."""
    with time_machine.travel(NOON + timedelta(days=3), tick=False):
        feedback_send_due()
    return FeedbackRequest.objects.get(order=delivered)


def signed_post(client, path, params):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(SITE + path, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


def customer_writes(client, body, *, sid="SMreply1", from_="whatsapp:+79161112233"):
    return signed_post(client, "/webhooks/twilio/inbound/", {"MessageSid": sid, "From": from_, "Body": body})
