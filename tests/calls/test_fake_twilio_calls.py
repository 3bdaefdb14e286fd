"""The fake Twilio plays a whole incoming call against the running desk over HTTP, as Twilio would: the call
rings the customer's manager, rings out to a colleague who answers; another rings out everywhere and leaves a
voicemail. The same helpers drive the demo."""

import xml.etree.ElementTree as ET

import pytest

from orders.models import CallLeg, PhoneCall, ShopAddress
from tests.calls.conftest import SHOP_NUMBER, reachable
from tests.factories import ShopFactory, free_manager, make_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_pipeline")]


@pytest.fixture
def desk(live_server, twilio, settings):
    settings.SITE_URL = live_server.url  # what the fake signs is what the desk checks
    shop = ShopFactory(always_open=True, name="Teapots")
    ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address=SHOP_NUMBER)
    anna = reachable(free_manager(shops=[shop], first_name="Anna"), phone="+79160000001")
    boris = reachable(free_manager(shops=[shop], first_name="Boris"), sip="sip:boris@teapots.sip.twilio.com")
    order = make_order(shop, phone="+79161112233", manager=anna)
    return live_server.url + "/webhooks/twilio/voice/", order, anna, boris


def test_a_call_rings_out_to_a_colleague_who_answers(desk, twilio):
    url, order, anna, boris = desk
    status, text = twilio.incoming_call(url, from_="+79161112233", to=SHOP_NUMBER, call_sid="CA-fake-1")
    assert status == 200
    dial = ET.fromstring(text).find("Dial")
    assert dial.find("Number").text == "+79160000001"

    status, text = twilio.dial_ended(dial.get("action"), call_sid="CA-fake-1", status="no-answer")
    assert status == 200
    dial = ET.fromstring(text).find("Dial")
    assert dial.find("Sip").text == "sip:boris@teapots.sip.twilio.com"

    status, text = twilio.dial_ended(dial.get("action"), call_sid="CA-fake-1", status="completed", duration=42)
    assert (status, [element.tag for element in ET.fromstring(text)]) == (200, ["Hangup"])
    call = PhoneCall.objects.get(call_sid="CA-fake-1")
    assert (call.order, call.manager, call.duration, call.outcome) == (order, boris, 42, "reached")
    assert [leg.answered for leg in CallLeg.objects.order_by("pk")] == [False, True]


def test_a_call_nobody_answers_ends_in_a_voicemail(desk, twilio):
    url, order, anna, boris = desk
    _, text = twilio.incoming_call(url, from_="+79161112233", to=SHOP_NUMBER, call_sid="CA-fake-2")
    for _ in range(2):
        action = ET.fromstring(text).find("Dial").get("action")
        _, text = twilio.dial_ended(action, call_sid="CA-fake-2", status="no-answer")

    record = ET.fromstring(text).find("Record")
    assert record is not None and record.get("maxLength") == "120"
    _, text = twilio.dial_ended(record.get("action"), call_sid="CA-fake-2", status="")
    assert [element.tag for element in ET.fromstring(text)] == ["Say", "Hangup"]
    call = PhoneCall.objects.get(call_sid="CA-fake-2")
    assert call.missed == PhoneCall.Missed.RANG_OUT and call.callback_task.assignee == anna


def test_a_forged_call_is_refused(desk, twilio):
    url, *_ = desk
    twilio.token = "not-the-desks-token"
    status, _ = twilio.incoming_call(url, from_="+79161112233", to=SHOP_NUMBER)
    assert status == 403 and not PhoneCall.objects.exists()
