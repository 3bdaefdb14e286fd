"""Click-to-call: the REST request Twilio gets, the refusals, and Twilio's faults as they happen."""

import pytest
from django.utils import timezone

from assignment.models import ManagerProfile
from calls.exceptions import CallRefused, CallUncertain
from calls.links import voice_url
from calls.services import call_place
from orders.models import CallLeg, PhoneCall, ShopAddress, ShopVoice
from orders.services import order_change_status
from tests.calls.placing.conftest import ANNA_PHONE, VOICE_NUMBER, call_out
from tests.factories import CustomerFactory

pytestmark = pytest.mark.usefixtures("afternoon")


def test_the_desk_rings_the_managers_phone_then_dials_the_customer_from_the_shops_number(twilio, order, anna):
    call = call_place(order=order, customer=order.customer, manager=anna)

    [sent] = twilio.placed_calls
    assert sent.path == f"/2010-04-01/Accounts/{sent.username}/Calls.json"
    assert sent.form["To"] == ANNA_PHONE
    assert sent.form["From"] == VOICE_NUMBER
    assert sent.form["StatusCallback"] == voice_url("status", call=call.pk)
    assert sent.fields["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    action = voice_url("status", call=call.pk, dial=1).replace("&", "&amp;")
    assert sent.form["Twiml"] == (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        f'<Dial action="{action}" callerId="{VOICE_NUMBER}" timeout="30">'
        f"<Number>{order.customer.phone}</Number></Dial></Response>"
    )
    call.refresh_from_db()
    assert (call.call_sid, call.state, call.direction) == (sent.sid, "queued", "out")
    assert (call.order, call.customer, call.manager, call.to_number) == (
        order,
        order.customer,
        anna,
        order.customer.phone,
    )
    assert call.ended_at is None and not call.night_confirmed


def test_a_sip_address_is_rung_before_the_phone_and_a_recording_shop_records_the_talk(twilio, order, anna):
    ManagerProfile.objects.filter(user=anna).update(sip="sip:anna@teapots.sip.twilio.com")
    ShopVoice.objects.create(shop=order.shop, record_calls=True)

    call_place(order=order, customer=order.customer, manager=anna)

    [sent] = twilio.placed_calls
    assert sent.form["To"] == "sip:anna@teapots.sip.twilio.com"
    assert 'record="record-from-answer-dual"' in sent.form["Twiml"]


def _no_phone(order, anna):
    ManagerProfile.objects.filter(user=anna).update(phone="", sip="")


def _no_voice_number(order, anna):
    ShopAddress.objects.filter(channel=ShopAddress.Channel.VOICE).delete()


def _final(order, anna):
    order_change_status(order=order, target="cancelled", by=anna, reason="duplicate")


def _on_an_incoming_call(order, anna):
    other = PhoneCall.objects.create(
        direction="in",
        shop=order.shop,
        customer=CustomerFactory(shop=order.shop),
        from_number="+79161234567",
        to_number=VOICE_NUMBER,
        started_at=timezone.now(),
    )
    CallLeg.objects.create(call=other, manager=anna, rang=ANNA_PHONE, started_at=timezone.now(), answered=True)


def _on_a_call_out(order, anna):
    call_out(order, anna, call_sid="CA" + "1" * 32, state="in-progress")


@pytest.mark.parametrize(
    ("setup", "said"),
    [
        (_no_phone, "Your profile has no phone or SIP address for the desk to ring"),
        (_no_voice_number, "Teapots has no voice number to call from"),
        (_final, "The order is closed; there is nobody to call about it."),
        (_on_an_incoming_call, "You are already on a call"),
        (_on_a_call_out, "You are already on a call"),
    ],
)
def test_a_call_with_nothing_to_ring_or_call_from_or_while_on_a_call_is_refused_and_nothing_is_dialled(
    twilio, order, anna, setup, said
):
    setup(order, anna)
    order.refresh_from_db()
    calls_before = PhoneCall.objects.count()

    with pytest.raises(CallRefused, match=said):
        call_place(order=order, customer=order.customer, manager=anna)

    assert twilio.placed_calls == []
    assert PhoneCall.objects.count() == calls_before


def test_in_the_customers_night_the_call_is_refused_unless_the_manager_says_call_anyway(twilio, order, anna):
    order.customer.timezone = "Asia/Vladivostok"  # 14:00 in Moscow is 21:00 there
    order.customer.save(update_fields=["timezone"])

    with pytest.raises(CallRefused, match="It is 21:00 for Irina Smirnova: their night"):
        call_place(order=order, customer=order.customer, manager=anna)
    assert twilio.placed_calls == [] and not PhoneCall.objects.exists()

    call = call_place(order=order, customer=order.customer, manager=anna, night_confirmed=True)
    assert len(twilio.placed_calls) == 1 and call.night_confirmed


def test_placing_a_call_marks_the_customers_missed_calls_called_back(twilio, order, anna):
    missed = PhoneCall.objects.create(
        direction="in",
        shop=order.shop,
        customer=order.customer,
        from_number=order.customer.phone,
        to_number=VOICE_NUMBER,
        started_at=timezone.now(),
        ended_at=timezone.now(),
        missed="rang_out",
        missed_at=timezone.now(),
    )

    call_place(order=order, customer=order.customer, manager=anna)

    missed.refresh_from_db()
    assert missed.called_back_at is not None


def test_twilio_refusing_the_call_fails_it_and_the_manager_may_call_again(twilio, order, anna):
    twilio.fail(status=400, code=21211, message="The 'To' number is not a valid phone number.", times=1)

    with pytest.raises(
        CallRefused,
        match="Twilio refused the call, nobody was rung: .*The 'To' number is not a valid phone number",
    ):
        call_place(order=order, customer=order.customer, manager=anna)

    failed = PhoneCall.objects.get()
    assert (failed.state, failed.call_sid) == ("failed", None) and failed.ended_at is not None
    call_place(order=order, customer=order.customer, manager=anna)  # not "already on a call"
    assert len(twilio.placed_calls) == 1


def test_a_refused_connection_fails_the_call_at_once(twilio_account, order, anna):
    twilio_account.TWILIO_BASE_URL = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(CallRefused, match="Twilio refused the call, nobody was rung: Twilio could not be reached"):
        call_place(order=order, customer=order.customer, manager=anna)

    assert PhoneCall.objects.get().state == "failed"


def test_an_answer_too_late_is_looked_up_and_the_call_placed_is_kept(twilio, order, anna, settings):
    settings.TWILIO_TIMEOUT = 0.5
    twilio.answer_late(2)

    call = call_place(order=order, customer=order.customer, manager=anna)

    [sent] = twilio.placed_calls
    assert call.call_sid == sent.sid
    assert twilio.lookups and twilio.lookups[-1]["To"] == ANNA_PHONE and twilio.lookups[-1]["From"] == VOICE_NUMBER


def test_when_twilio_cannot_say_the_call_stays_open_and_the_next_try_finds_it_instead_of_dialling_twice(
    twilio, order, anna, settings
):
    settings.TWILIO_TIMEOUT = 0.5
    twilio.answer_late(2)
    twilio.failing_lookups = 1

    with pytest.raises(CallUncertain, match="your phone may still ring"):
        call_place(order=order, customer=order.customer, manager=anna)
    call = PhoneCall.objects.get()
    assert call.call_sid is None and call.ended_at is None

    with pytest.raises(CallRefused, match="You are already on a call"):
        call_place(order=order, customer=order.customer, manager=anna)

    [sent] = twilio.placed_calls  # dialled once
    call.refresh_from_db()
    assert call.call_sid == sent.sid and PhoneCall.objects.count() == 1


def test_a_call_twilio_never_placed_is_closed_as_failed_and_the_next_try_dials(twilio, order, anna):
    lost = call_out(order, anna)

    call = call_place(order=order, customer=order.customer, manager=anna)

    lost.refresh_from_db()
    assert lost.state == "failed" and lost.ended_at is not None
    assert [sent.sid for sent in twilio.placed_calls] == [call.call_sid]
