"""Incoming calls through Twilio Voice: the caller is matched by phone and rings their own manager first, then
routing's next eligible one; outside hours or with nobody free they hear why and may leave a voicemail. The
TwiML is parsed and asserted as Twilio reads it."""

import pytest
import time_machine

from assignment.models import ManagerProfile, Presence
from orders.models import CallLeg, Customer, CustomerEvent, PhoneCall, ShopVoice
from tests.calls.conftest import NOON, SHOP_NUMBER, SITE, dial_ended, own_manager, reachable, ring, verbs
from tests.factories import CustomerFactory, free_manager, make_order, msk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]
OLGA = "+79161112233"


@pytest.fixture
def olga(shop, anna):
    """Olga has an open order, and Anna is her manager."""
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone=OLGA, customer_name="Olga", manager=anna)
    own_manager(order.customer, anna)
    return order


@pytest.fixture(autouse=True)
def noon():
    with time_machine.travel(NOON, tick=False):
        yield


def set_presence(user, presence):
    ManagerProfile.objects.filter(user=user).update(presence=presence)


def test_a_known_caller_rings_their_own_free_manager_after_the_shops_greeting(client, shop, olga, anna, boris):
    ShopVoice.objects.create(shop=shop, greeting="Hello, {{ customer.name }}! This is {{ shop.name }}.")
    status, twiml = ring(client, from_="8 (916) 111-22-33")  # as a caller ID may come: normalised as intake does

    assert status == 200
    assert verbs(twiml) == ["Say", "Dial"]
    say, dial = twiml
    assert say.text == "Hello, Olga! This is Teapots." and say.get("language") == "en-US"
    call = PhoneCall.objects.get()
    leg = CallLeg.objects.get()
    assert (call.customer, call.order, call.call_sid, call.direction) == (olga.customer, olga, "CA0001", "in")
    assert (leg.manager, leg.rang) == (anna, "+79160000001")
    assert dial.get("timeout") == "20"
    assert dial.get("action") == f"{SITE}/webhooks/twilio/voice/dial/?call={call.pk}&leg={leg.pk}"
    assert dial.get("record") is None  # the shop does not record calls
    assert [(child.tag, child.text) for child in dial] == [("Number", "+79160000001")]


def test_the_greeting_is_said_in_the_shops_customer_language(client, shop, olga, anna):
    shop.customer_language = "ru"
    shop.save()
    _, twiml = ring(client, from_=OLGA)

    assert twiml[0].get("language") == "ru-RU"
    assert twiml[0].text == "Здравствуйте! Вы позвонили в Teapots."


@pytest.mark.parametrize("presence", [Presence.LUNCH, Presence.BREAK, Presence.OFFLINE])
def test_when_their_manager_is_away_the_next_eligible_manager_is_rung(client, olga, anna, boris, presence):
    set_presence(anna, presence)
    _, twiml = ring(client, from_=OLGA)

    dial = twiml.find("Dial")
    assert [(child.tag, child.text) for child in dial] == [("Sip", "sip:boris@teapots.sip.twilio.com")]
    assert CallLeg.objects.get().manager == boris


def test_their_own_manager_is_rung_while_busy_unless_on_a_call(client, shop, olga, anna, boris):
    set_presence(anna, Presence.BUSY)
    ring(client, from_=OLGA, sid="CA-first")
    assert CallLeg.objects.get().manager == anna

    # Anna is on that call now: a second call of her customer goes to Boris.
    ring(client, from_=OLGA, sid="CA-second")
    assert CallLeg.objects.filter(call__call_sid="CA-second").get().manager == boris


def test_routing_ranks_the_others_fewest_open_orders_first(client, shop, anna, boris):
    carla = reachable(free_manager(shops=[shop], first_name="Carla"), phone="+79160000003")
    for _ in range(2):
        make_order(shop, manager=anna)
        make_order(shop, manager=boris)
    _, twiml = ring(client, from_="+79165550000")  # nobody's customer

    assert twiml.find("Dial/Number").text == "+79160000003"
    assert CallLeg.objects.get().manager == carla


def test_managers_not_granted_the_shop_or_with_nowhere_to_ring_are_not_rung(client, shop, olga, anna):
    from tests.factories import ShopFactory

    set_presence(anna, Presence.OFFLINE)
    reachable(free_manager(shops=[ShopFactory()], first_name="Other"), phone="+79160000004")
    free_manager(shops=[shop], first_name="Nowhere")  # no phone, no SIP
    _, twiml = ring(client, from_=OLGA)

    assert "Dial" not in verbs(twiml)
    assert PhoneCall.objects.get().missed == PhoneCall.Missed.NOBODY_FREE


def test_when_everyone_is_busy_the_caller_hears_so_and_may_leave_a_voicemail(client, olga, anna, boris):
    set_presence(anna, Presence.LUNCH)
    set_presence(boris, Presence.BUSY)  # Busy: not a new call, unless it is his own customer's
    _, twiml = ring(client, from_=OLGA)

    call = PhoneCall.objects.get()
    assert verbs(twiml) == ["Say", "Say", "Say", "Record", "Hangup"]
    assert twiml[1].text == "All our managers are busy. We will call you back."
    record = twiml.find("Record")
    assert record.get("maxLength") == "120"
    assert record.get("recordingStatusCallback") == (
        f"{SITE}/webhooks/twilio/voice/recording/?call={call.pk}&kind=voicemail"
    )
    assert record.get("action") == f"{SITE}/webhooks/twilio/voice/dial/?call={call.pk}&left=voicemail"
    assert call.missed == PhoneCall.Missed.NOBODY_FREE and not CallLeg.objects.exists()


def test_outside_hours_the_caller_hears_the_hours_text_and_nobody_is_rung(client, shop, olga, anna):
    ShopVoice.objects.create(shop=shop, hours_text="We are closed. We open {{ opens_at }}.")
    with time_machine.travel(msk(2026, 12, 8, 22, 30), tick=False):
        _, twiml = ring(client, from_=OLGA)

    assert verbs(twiml) == ["Say", "Say", "Say", "Record", "Hangup"]
    assert twiml[1].text == "We are closed. We open Wed 09:00."
    assert PhoneCall.objects.get().missed == PhoneCall.Missed.OFF_HOURS
    assert not CallLeg.objects.exists()


def test_outside_hours_without_a_text_the_shops_hours_are_said(client, shop, olga):
    with time_machine.travel(msk(2026, 12, 8, 7, 0), tick=False):
        _, twiml = ring(client, from_=OLGA)

    assert twiml[1].text == "We are closed now: our hours are 09:00–21:00. We will call you back."


def test_with_voicemail_off_the_caller_is_told_and_the_call_ends(client, shop, olga, anna):
    ShopVoice.objects.create(shop=shop, voicemail=False)
    set_presence(anna, Presence.OFFLINE)
    _, twiml = ring(client, from_=OLGA)

    assert verbs(twiml) == ["Say", "Say", "Hangup"]


def test_a_recorded_shop_plays_its_greeting_reads_the_notice_and_records_the_talk(client, shop, olga, anna):
    ShopVoice.objects.create(
        shop=shop,
        greeting_url="https://cdn.example.com/hello.mp3",
        record_calls=True,
        legal_notice="Calls are recorded.",
        ring_seconds=15,
    )
    _, twiml = ring(client, from_=OLGA)

    call = PhoneCall.objects.get()
    assert verbs(twiml) == ["Play", "Say", "Dial"]
    assert twiml[0].text == "https://cdn.example.com/hello.mp3"
    assert twiml[1].text == "Calls are recorded."
    dial = twiml[2]
    assert dial.get("timeout") == "15" and dial.get("record") == "record-from-answer"
    assert (
        dial.get("recordingStatusCallback") == f"{SITE}/webhooks/twilio/voice/recording/?call={call.pk}&kind=talk"
    )


def test_a_greeting_that_does_not_render_gives_way_to_the_standard_one(client, shop, olga, anna):
    ShopVoice.objects.create(shop=shop, greeting="Hello {{ customer.nickname }")
    _, twiml = ring(client, from_=OLGA)

    assert twiml[0].text == "Hello! You have reached Teapots."


def test_an_unknown_caller_gets_a_phone_only_customer_in_that_shop(client, shop, anna):
    CustomerFactory(phone="+79165557788")  # the same number is another shop's customer: not this one's
    _, twiml = ring(client, from_="+7 916 555-77-88")

    customer = Customer.objects.get(shop=shop)
    assert (customer.phone, customer.name) == ("+79165557788", "")
    assert CustomerEvent.objects.get(customer=customer).text == "Customer record created: they phoned the shop"
    call = PhoneCall.objects.get()
    assert (call.customer, call.order) == (customer, None)
    assert twiml.find("Dial/Number").text == "+79160000001"


@pytest.mark.parametrize(
    ("from_", "to"),
    [("+79161112233", "+74959999999"), ("anonymous", SHOP_NUMBER), ("", SHOP_NUMBER), ("+7916", "garbage")],
    ids=["number no shop has", "withheld caller", "no caller", "garbage"],
)
def test_a_call_the_desk_cannot_take_gets_a_polite_answer_and_nothing_is_stored(
    client, shop, anna, from_, to, caplog
):
    customers = Customer.objects.count()
    status, twiml = ring(client, from_=from_, to=to)

    assert not [record for record in caplog.records if record.levelname == "ERROR"]  # refused, not a fault

    assert status == 200 and verbs(twiml) == ["Say", "Hangup"]
    assert twiml[0].text == "Sorry, we cannot take your call right now. Please call again later."
    assert not PhoneCall.objects.exists() and Customer.objects.count() == customers


def test_twilios_retry_of_a_call_rings_nobody_twice(client, olga, anna, boris):
    first = ring(client, from_=OLGA)
    again = ring(client, from_=OLGA)

    assert first[0] == again[0] == 200
    assert [child.attrib for child in first[1]] == [child.attrib for child in again[1]]
    assert PhoneCall.objects.count() == 1 and CallLeg.objects.count() == 1


def test_a_forged_or_missing_signature_is_refused_and_nothing_is_stored(client, olga, anna):
    params = {"CallSid": "CA0001", "From": OLGA, "To": SHOP_NUMBER}
    forged = client.post("/webhooks/twilio/voice/", params, headers={"X-Twilio-Signature": "Zm9yZ2Vk"})
    missing = client.post("/webhooks/twilio/voice/", params)
    from tests.calls.conftest import signed_post

    other_token = signed_post(client, "/webhooks/twilio/voice/", params, token="someone-elses")
    dial = client.post("/webhooks/twilio/voice/dial/?call=1&leg=1", {"DialCallStatus": "completed"})

    assert [forged.status_code, missing.status_code, other_token.status_code, dial.status_code] == [403] * 4
    assert not PhoneCall.objects.exists()


def test_a_get_is_not_a_call(client):
    assert client.get("/webhooks/twilio/voice/").status_code == 405


@pytest.fixture
def ringing(client, olga, anna, boris):
    """Olga's call ringing Anna; the <Dial>'s action URL."""
    _, twiml = ring(client, from_=OLGA)
    return twiml.find("Dial").get("action")


def test_a_manager_who_does_not_answer_passes_the_call_to_the_next_without_a_second_greeting(
    client, ringing, boris
):
    with time_machine.travel(msk(2026, 12, 8, 12, 0, 20), tick=False):
        _, twiml = dial_ended(client, ringing, status="no-answer")

    assert verbs(twiml) == ["Dial"]
    assert twiml.find("Dial/Sip").text == "sip:boris@teapots.sip.twilio.com"
    anna_leg, boris_leg = CallLeg.objects.order_by("pk")
    assert (anna_leg.seconds, anna_leg.answered, anna_leg.leg_sid) == (20, False, "CA-leg-1")
    assert boris_leg.manager == boris and boris_leg.ended_at is None


def test_a_retried_dial_end_rings_the_next_manager_once(client, shop, ringing):
    reachable(free_manager(shops=[shop], first_name="Carla"), phone="+79160000003")
    first = dial_ended(client, ringing, status="busy")
    again = dial_ended(client, ringing, status="busy")

    assert [c.attrib for c in first[1]] == [c.attrib for c in again[1]]
    assert CallLeg.objects.count() == 2 and CallLeg.objects.filter(ended_at__isnull=True).count() == 1
    assert PhoneCall.objects.get().missed == ""


def test_an_answered_call_is_the_managers_and_over(client, ringing, anna):
    with time_machine.travel(msk(2026, 12, 8, 12, 1, 0), tick=False):
        _, twiml = dial_ended(client, ringing, status="completed", duration=35)

    assert verbs(twiml) == ["Hangup"]
    call = PhoneCall.objects.get()
    assert (call.manager, call.duration, call.outcome, call.missed) == (anna, 35, "reached", "")
    assert call.answered_at == msk(2026, 12, 8, 12, 0, 25) and call.callback_task is None
    assert CallLeg.objects.get().answered


def test_a_caller_who_hangs_up_waiting_becomes_a_missed_call(client, ringing):
    _, twiml = dial_ended(client, ringing, status="no-answer", caller="completed")

    assert verbs(twiml) == ["Hangup"]
    call = PhoneCall.objects.get()
    assert call.missed == PhoneCall.Missed.HUNG_UP and call.callback_task is not None
    assert CallLeg.objects.count() == 1


def test_after_a_voicemail_the_caller_is_thanked(client, shop, olga, anna):
    set_presence(anna, Presence.OFFLINE)
    _, twiml = ring(client, from_=OLGA)
    _, after = dial_ended(client, twiml.find("Record").get("action"), status="")

    assert verbs(after) == ["Say", "Hangup"] and after[0].text == "Thank you, we will call you back."


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("", {}),
        ("?call=abc&leg=1", {"DialCallStatus": "completed"}),
        ("?call=999999&leg=1", {"DialCallStatus": "completed"}),
        ("?call=1", {"DialCallStatus": "completed"}),
        ("?call=99999999999999999999999&leg=1", {"DialCallStatus": "no-answer"}),
        ("?call=1&leg=1", {"DialCallStatus": "completed", "DialCallDuration": "-5"}),
        ("?call=1&leg=1", {"DialCallStatus": "\x00" * 5, "DialCallDuration": "9" * 40, "DialCallSid": "x" * 500}),
    ],
)
def test_odd_dial_ends_never_get_a_5xx(client, ringing, query, params, caplog):
    from tests.calls.conftest import parse, signed_post

    response = signed_post(client, "/webhooks/twilio/voice/dial/" + query, params)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]  # read, not a fault
    assert response.status_code == 200
    assert parse(response).tag == "Response"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"CallSid": ""},
        {"CallSid": "C" * 300, "From": OLGA, "To": SHOP_NUMBER},
        {"CallSid": "CA9", "To": "\x00"},
    ],
)
def test_odd_calls_never_get_a_5xx(client, shop, params, caplog):
    from tests.calls.conftest import INCOMING, parse, signed_post

    response = signed_post(client, INCOMING, params)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    assert response.status_code == 200 and verbs(parse(response)) == ["Say", "Hangup"]
    assert not PhoneCall.objects.exists()
