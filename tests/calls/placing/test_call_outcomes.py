"""The call tells its own outcome: Twilio's status callbacks and the end of the <Dial> to the customer, signed,
land on the order (the history line with the talk time, the outcome's ladder planning the next call) once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.links import voice_url
from calls.services import call_place
from orders.models import NoAnswerStep, OrderEvent, ShopVoice, Task
from orders.services import order_change_status
from tests.calls.placing.conftest import call_out
from tests.factories import make_order

pytestmark = pytest.mark.usefixtures("afternoon")


def _placed(twilio, order, anna):
    call = call_place(order=order, customer=order.customer, manager=anna)
    return call, twilio.placed_calls[-1]


def _call_lines(order):
    return list(OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.CALL).order_by("pk"))


def _next_calls(order):
    return list(Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True))


@pytest.mark.parametrize(
    ("dial_status", "outcome", "line"),
    [
        ("busy", "busy", "Call by phone: busy (miss 1 of 4)"),
        ("no-answer", "no_answer", "Call by phone: no answer (miss 1 of 5)"),
        ("failed", "unreachable", "Call by phone: unreachable (miss 1 of 3)"),
        ("canceled", "no_answer", "Call by phone: no answer (miss 1 of 5)"),
    ],
)
def test_a_missed_call_lands_on_its_outcomes_ladder(twilio, twilio_posts, order, anna, dial_status, outcome, line):
    call, sent = _placed(twilio, order, anna)

    twilio.play_call(sent, dial_status, post=twilio_posts)

    assert set(twilio_posts.statuses) == {200}
    call.refresh_from_db()
    assert (call.outcome, call.state) == (outcome, "completed") and call.ended_at is not None
    [event] = _call_lines(order)
    assert event.shown_text == line
    assert event.call_outcome == outcome and event.data["phone_call"] == call.pk
    first_step = NoAnswerStep.objects.get(outcome=outcome, miss=1).retry_after
    [task] = _next_calls(order)
    assert abs(task.due_at - (timezone.now() + first_step)) < timedelta(minutes=1)
    order.refresh_from_db()
    assert order.missed_calls == 1


def test_the_default_ladders_busy_soon_again_unreachable_an_hour_then_a_day_later(
    twilio, twilio_posts, order, anna, shop
):
    """Seed 001's defaults: busy 15 min, unreachable 1 h then 1 day (no answer keeps its own ladder); a miss
    takes the rung of its own ladder for the misses in a row."""
    call, sent = _placed(twilio, order, anna)
    twilio.play_call(sent, "busy", post=twilio_posts)
    [busy_again] = _next_calls(order)
    assert abs(busy_again.due_at - timezone.now() - timedelta(minutes=15)) < timedelta(minutes=1)

    other = make_order(shop, manager=anna)
    call, sent = _placed(twilio, other, anna)
    twilio.play_call(sent, "failed", post=twilio_posts)
    [unreachable_again] = _next_calls(other)
    assert abs(unreachable_again.due_at - timezone.now() - timedelta(hours=1)) < timedelta(minutes=1)

    call, sent = _placed(twilio, order, anna)  # the busy order's second miss in a row: unreachable's 2nd rung
    twilio.play_call(sent, "failed", post=twilio_posts)
    [unreachable_again] = _next_calls(order)
    assert abs(unreachable_again.due_at - timezone.now() - timedelta(days=1)) < timedelta(minutes=1)
    assert [event.shown_text for event in _call_lines(order)][-1].startswith(
        "Call by phone: unreachable (miss 2 of 3)"
    )


def test_a_talk_of_ten_seconds_or_more_is_reached_with_its_talk_time_and_recording(
    twilio, twilio_posts, order, anna
):
    ShopVoice.objects.create(shop=order.shop, record_calls=True)
    call, sent = _placed(twilio, order, anna)

    twilio.play_call(sent, "completed", 135, post=twilio_posts)

    call.refresh_from_db()
    assert (call.outcome, call.duration) == ("reached", 135)
    assert call.recording_sid.startswith("RE") and call.recording_duration == 135
    [event] = _call_lines(order)
    assert event.shown_text == "Call by phone: reached, talked 2:15, recorded"
    order.refresh_from_db()
    assert order.missed_calls == 0 and _next_calls(order) == []


def test_an_answer_hung_up_within_ten_seconds_is_no_answer(twilio, twilio_posts, order, anna):
    call, sent = _placed(twilio, order, anna)

    twilio.play_call(sent, "completed", 4, post=twilio_posts)

    call.refresh_from_db()
    assert call.outcome == "no_answer"
    assert _call_lines(order)[0].shown_text == "Call by phone: no answer (miss 1 of 5)"


def test_when_the_managers_own_phone_does_not_answer_the_customer_is_not_called_and_nothing_is_recorded(
    twilio, twilio_posts, order, anna
):
    call, sent = _placed(twilio, order, anna)

    twilio.play_call(sent, "manager-no-answer", post=twilio_posts)

    call.refresh_from_db()
    assert (call.state, call.outcome) == ("no-answer", "") and call.ended_at is not None
    assert _call_lines(order) == []
    call_place(order=order, customer=order.customer, manager=anna)  # free to call again


def test_repeated_and_late_callbacks_change_nothing(twilio, twilio_posts, order, anna):
    call, sent = _placed(twilio, order, anna)
    twilio.play_call(sent, "busy", post=twilio_posts)
    call.refresh_from_db()
    ended_at = call.ended_at

    twilio.play_call(sent, "busy", post=twilio_posts)  # Twilio retries every request
    twilio.play_call(sent, "completed", 60, post=twilio_posts)  # a different, late story
    for status in ("ringing", "in-progress", "queued"):
        twilio_posts(sent.form["StatusCallback"], {"CallSid": sent.sid, "CallStatus": status})

    call.refresh_from_db()
    assert (call.state, call.outcome, call.ended_at, call.duration) == ("completed", "busy", ended_at, None)
    assert len(_call_lines(order)) == 1 and len(_next_calls(order)) == 1
    order.refresh_from_db()
    assert order.missed_calls == 1


def test_a_status_moves_forward_only(twilio, twilio_posts, order, anna):
    call, sent = _placed(twilio, order, anna)
    url = sent.form["StatusCallback"]

    for status, expected in [("ringing", "ringing"), ("in-progress", "in-progress"), ("ringing", "in-progress")]:
        twilio_posts(url, {"CallSid": sent.sid, "CallStatus": status})
        call.refresh_from_db()
        assert call.state == expected
    assert call.answered_at is not None and call.ended_at is None


def test_a_callback_finds_its_call_by_the_signed_id_when_twilios_answer_never_came(
    twilio_account, twilio_posts, order, anna
):
    call = call_out(order, anna)

    twilio_posts(voice_url("status", call=call.pk), {"CallSid": "CA" + "7" * 32, "CallStatus": "ringing"})

    call.refresh_from_db()
    assert (call.call_sid, call.state) == ("CA" + "7" * 32, "ringing")


def test_a_callback_naming_another_calls_sid_is_ignored(twilio, twilio_posts, order, anna):
    call, sent = _placed(twilio, order, anna)

    twilio_posts(voice_url("status", call=call.pk, dial=1), {"CallSid": "CA" + "9" * 32, "DialCallStatus": "busy"})

    call.refresh_from_db()
    assert call.outcome == "" and _call_lines(order) == []


def test_the_outcome_of_a_call_about_an_order_closed_since_leaves_the_order_alone(
    twilio, twilio_posts, order, anna
):
    call, sent = _placed(twilio, order, anna)
    order_change_status(order=order, target="cancelled", by=anna, reason="duplicate")

    twilio.play_call(sent, "busy", post=twilio_posts)

    call.refresh_from_db()
    assert call.outcome == "busy"
    assert _call_lines(order) == [] and _next_calls(order) == []


def test_a_forged_callback_is_refused_and_changes_nothing(client, twilio, order, anna):
    call, sent = _placed(twilio, order, anna)
    path = voice_url("status", call=call.pk, dial=1).removeprefix("https://desk.example.com")

    response = client.post(path, {"CallSid": sent.sid, "DialCallStatus": "busy"}, HTTP_X_TWILIO_SIGNATURE="forged")

    assert response.status_code == 403
    call.refresh_from_db()
    assert call.outcome == ""


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ({"call": "abc"}, {"CallStatus": "completed"}),
        ({"call": "9" * 30}, {"CallStatus": "ringing"}),
        ({}, {}),
        ({"dial": "1"}, {"DialCallStatus": "completed", "DialCallDuration": "forever"}),
        ({"call": "1", "dial": "1"}, {"DialCallStatus": "on-the-moon"}),
    ],
)
def test_odd_callbacks_never_fail(db, twilio_posts, twilio_account, query, params):
    url = voice_url("status", **query)
    assert twilio_posts(url, params) == 200
