"""The outbox when the way to Twilio fails, with the real twilio client against the fake Twilio on 127.0.0.1: a
refused connection, a timeout, a connection dropped after sending and an error answer are each a recorded try
with the settings' backoff, and the rest of the batch still goes. A try whose outcome is uncertain (Twilio may
have taken the message) is looked up at Twilio before another try, and a late status callback naming the row
proves it went: a message Twilio took late is never sent twice."""

import socket
from datetime import timedelta

import pytest
import time_machine
from twilio.request_validator import RequestValidator

from notifications.channels import twilio as twilio_channel
from notifications.models import OutboundMessage
from notifications.services import message_queue, outbox_send_due
from tests.factories import ShopFactory, make_order, msk
from tests.notifications.conftest import AUTH_TOKEN, SMS_FROM, delivered_to, sms_template

pytestmark = pytest.mark.django_db
State = OutboundMessage.State
NOON = msk(2026, 11, 24, 12, 0)
RETRY = NOON + timedelta(minutes=1)  # the settings' first backoff
OLGA, IVAN = "+79161112233", "+79164445566"


@pytest.fixture
def impatient(twilio, settings):
    """The client gives up after 0.3 s; the fake is told to answer later than that."""
    settings.TWILIO_TIMEOUT = 0.3
    return twilio


@pytest.fixture
def messages(twilio):
    """Two messages due at noon, in one batch: Olga's first (she has waited longer)."""
    with time_machine.travel(NOON, tick=False):
        shop = ShopFactory(always_open=True)
        template = sms_template()
        orders = [make_order(shop, phone=phone) for phone in (OLGA, IVAN)]
        messages = [
            message_queue(customer=o.customer, order=o, channel="sms", purpose="trigger", template=template)
            for o in orders
        ]
    OutboundMessage.objects.filter(to=OLGA).update(next_try_at=NOON - timedelta(minutes=1))
    return messages


def send_due(moment):
    # The clock moves with the run, so the fake Twilio's dates and the desk's agree on any day.
    with time_machine.travel(moment, tick=True):
        return outbox_send_due(now=moment)


def a_port_nobody_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("failure", ["connection refused", "no DNS"])
def test_a_connection_never_made_is_a_recorded_try_with_backoff_and_is_simply_tried_again(
    twilio, messages, settings, failure
):
    if failure == "connection refused":
        settings.TWILIO_BASE_URL, says = f"http://127.0.0.1:{a_port_nobody_listens_on()}", "Connection refused"
    else:
        settings.TWILIO_BASE_URL, says = "http://api.twilio.invalid", "Failed to resolve"
    assert send_due(NOON) == 0  # no exception escapes: every row of the batch is a recorded try
    for message in messages:
        message.refresh_from_db()
        assert (message.state, message.attempts, message.next_try_at) == (State.PENDING, 1, RETRY)
        assert message.error_code == "unreachable" and says in message.last_error
        assert message.uncertain_since is None  # the request never left: nothing to look up
    settings.TWILIO_BASE_URL = twilio.base_url
    assert send_due(RETRY) == 2
    assert not twilio.lookups
    assert [len(delivered_to(twilio, phone)) for phone in (OLGA, IVAN)] == [1, 1]


def test_an_error_answer_is_retried_without_a_lookup(twilio, messages):
    twilio.fail(status=500, times=1, to=OLGA)
    assert send_due(NOON) == 1
    olga = OutboundMessage.objects.get(to=OLGA)
    assert (olga.state, olga.next_try_at, olga.uncertain_since) == (State.PENDING, RETRY, None)
    assert send_due(RETRY) == 1
    assert not twilio.lookups and len(delivered_to(twilio, OLGA)) == 1


@pytest.mark.parametrize("mishap", ["timeout", "hung up"])
def test_a_message_twilio_took_without_answering_in_time_is_looked_up_and_not_sent_twice(
    impatient, messages, mishap
):
    if mishap == "timeout":
        impatient.answer_late(1.0, times=1, to=OLGA)
    else:
        impatient.hang_up(times=1, to=OLGA)
    assert send_due(NOON) == 1  # Ivan's message, after Olga's in the same batch, still went
    olga = OutboundMessage.objects.get(to=OLGA)
    assert (olga.state, olga.attempts, olga.next_try_at) == (State.PENDING, 1, RETRY)
    assert olga.error_code == {"timeout": "timeout", "hung up": "dropped"}[mishap]
    assert olga.uncertain_since == NOON
    assert send_due(RETRY) == 1
    [taken] = delivered_to(impatient, OLGA)  # one message at Twilio: the retry found it instead of sending
    olga.refresh_from_db()
    assert (olga.state, olga.provider_id, olga.attempts) == (State.SENT, taken.sid, 2)
    [lookup] = impatient.lookups
    assert (lookup["To"], lookup["From"]) == (OLGA, SMS_FROM)
    assert lookup["DateSent>"] == (NOON - twilio_channel.CLOCK_SLACK).astimezone(twilio_channel.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_an_uncertain_try_that_twilio_did_not_take_is_sent_once_after_the_lookup(twilio, messages):
    [olga, _] = messages
    # Its worker died mid-send, before the request left: the stall rule brings it back, uncertain.
    OutboundMessage.objects.filter(pk=olga.pk).update(state=State.SENDING, claimed_at=NOON, attempts=1)
    OutboundMessage.objects.exclude(pk=olga.pk).delete()
    stalled = NOON + timedelta(minutes=10)
    assert send_due(stalled) == 1
    assert len(twilio.lookups) == 1 and len(delivered_to(twilio, OLGA)) == 1
    olga.refresh_from_db()
    assert (olga.state, olga.attempts, olga.uncertain_since) == (State.SENT, 2, NOON)


def test_the_stall_rule_does_not_send_again_what_twilio_took_before_the_worker_died(twilio, messages):
    [olga, _] = messages
    OutboundMessage.objects.exclude(pk=olga.pk).delete()
    with time_machine.travel(NOON, tick=True):
        sid = twilio_channel.create(sender=SMS_FROM, outbox_id=olga.pk, to=OLGA, body=olga.body)
    # ...and the worker died before it recorded the SID.
    OutboundMessage.objects.filter(pk=olga.pk).update(state=State.SENDING, claimed_at=NOON, attempts=1)
    assert send_due(NOON + timedelta(minutes=10)) == 1
    olga.refresh_from_db()
    assert (olga.state, olga.provider_id) == (State.SENT, sid)
    assert len(delivered_to(twilio, OLGA)) == 1


def test_a_lookup_does_not_take_the_sid_of_a_twin_message_another_row_holds(twilio, messages):
    """The same text to the same number twice: the row whose try was uncertain must not take its twin's SID."""
    [olga, _] = messages
    OutboundMessage.objects.exclude(pk=olga.pk).delete()
    # As a timeout leaves a row, while in fact Twilio never got it.
    OutboundMessage.objects.filter(pk=olga.pk).update(attempts=1, next_try_at=RETRY, uncertain_since=NOON)
    twin = message_queue(customer=olga.customer, channel="sms", purpose="manual", body=olga.body, now=NOON)
    assert send_due(NOON) == 1
    assert send_due(RETRY) == 1
    olga.refresh_from_db()
    twin.refresh_from_db()
    assert olga.state == State.SENT and olga.provider_id not in ("", twin.provider_id)
    assert len(twilio.lookups) == 1 and len(delivered_to(twilio, OLGA)) == 2


def callback(client, params, *, outbox_id, signed_outbox_id=None):
    path = f"/webhooks/twilio/status/?outbox={outbox_id}"
    signed = f"https://desk.example.com/webhooks/twilio/status/?outbox={signed_outbox_id or outbox_id}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(signed, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


def test_a_late_status_callback_naming_the_row_proves_a_timed_out_message_went(client, impatient, messages):
    impatient.answer_late(1.0, times=1, to=OLGA)
    send_due(NOON)
    olga = OutboundMessage.objects.get(to=OLGA)
    [taken] = delivered_to(impatient, OLGA)
    assert olga.state == State.PENDING and olga.provider_id == ""
    response = callback(client, {"MessageSid": taken.sid, "MessageStatus": "delivered"}, outbox_id=olga.pk)
    assert response.status_code == 200
    olga.refresh_from_db()
    assert (olga.state, olga.provider_id, olga.next_try_at, olga.last_error) == (
        State.DELIVERED,
        taken.sid,
        None,
        "",
    )
    send_due(RETRY)
    assert len(delivered_to(impatient, OLGA)) == 1 and not impatient.lookups


def test_a_callback_cannot_be_moved_to_another_row(client, impatient, messages):
    impatient.answer_late(1.0, times=1, to=OLGA)
    send_due(NOON)
    olga, ivan = OutboundMessage.objects.get(to=OLGA), OutboundMessage.objects.get(to=IVAN)
    [taken] = delivered_to(impatient, OLGA)
    params = {"MessageSid": taken.sid, "MessageStatus": "delivered"}
    # Signed for Olga's row, replayed against another: the signature covers the row id.
    assert callback(client, params, outbox_id=olga.pk + 1000, signed_outbox_id=olga.pk).status_code == 403
    # A row that already has its own SID is not taken over by a callback naming it.
    assert callback(client, params, outbox_id=ivan.pk).status_code == 200
    ivan.refresh_from_db()
    assert ivan.provider_id != taken.sid and ivan.state == State.SENT
