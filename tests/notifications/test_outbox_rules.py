"""Outbox rules that were caught only by PostgreSQL's race tests or only on the way to something else, each tested
directly here (on SQLite too, as none of them is about locks): a claimed or sent row is not sent again by the
after-commit task or the schedule; one run drains batch after batch; the last allowed try fails the message and
tells the manager and the supervisors; Twilio's 4xx answers fail at once but 429 (slow down) is tried again; an
"undelivered, unsubscribed" callback switches the channel off; "send again" starts a failed message afresh."""

from datetime import timedelta

import pytest
import time_machine

from notifications.models import MessagingSettings, Notification, OptOut, OutboundMessage
from notifications.services import (
    message_queue,
    message_status_apply,
    outbox_retry,
    outbox_send,
    outbox_send_due,
)
from tests.factories import ShopFactory, free_manager, grant, make_order, msk, supervisor
from tests.notifications.conftest import delivered_to, sms_template

pytestmark = pytest.mark.django_db
State = OutboundMessage.State
NOON = msk(2026, 11, 24, 12, 0)


@pytest.fixture
def shop():
    return ShopFactory(always_open=True)


def queued(shop, count=1, **order_fields) -> list[OutboundMessage]:
    template = sms_template()
    with time_machine.travel(NOON, tick=False):
        orders = [make_order(shop, phone=f"+7916888{n:04d}", **order_fields) for n in range(count)]
        return [
            message_queue(customer=o.customer, order=o, channel="sms", purpose="trigger", template=template)
            for o in orders
        ]


def test_a_row_another_worker_holds_is_not_sent_by_the_after_commit_task_or_the_schedule(twilio, shop):
    [message] = queued(shop)
    OutboundMessage.objects.filter(pk=message.pk).update(state=State.SENDING, claimed_at=NOON, attempts=1)
    assert outbox_send(message_id=message.pk, now=NOON + timedelta(minutes=1)) is None
    assert outbox_send_due(now=NOON + timedelta(minutes=1)) == 0
    assert not twilio.sent
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENDING, 1)


def test_a_row_the_schedule_sent_is_not_sent_again_by_its_after_commit_task(twilio, shop):
    [message] = queued(shop)
    assert outbox_send_due(now=NOON) == 1
    assert outbox_send(message_id=message.pk, now=NOON) is None  # the q2 task, arriving late
    assert outbox_send_due(now=NOON + timedelta(hours=1)) == 0
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 1) and len(twilio.sent) == 1


def test_one_run_of_the_schedule_drains_batch_after_batch(twilio, shop):
    messages = queued(shop, count=12)
    assert outbox_send_due(now=NOON, batch=5) == 12
    assert set(OutboundMessage.objects.values_list("state", "attempts")) == {(State.SENT, 1)}
    for message in messages:
        assert len(delivered_to(twilio, message.to)) == 1


def test_the_last_allowed_try_fails_the_message_and_tells_the_manager_and_the_supervisors(twilio, shop):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"max_attempts": 2})
    anna, boss = free_manager(shops=[shop]), supervisor()
    grant(boss, shops=[shop])
    [message] = queued(shop, manager=anna)
    twilio.fail(status=500, message="Internal error")
    outbox_send_due(now=NOON)
    assert not Notification.objects.filter(text__contains="failed").exists()  # a try to be repeated bothers nobody
    outbox_send_due(now=NOON + timedelta(minutes=1))
    message.refresh_from_db()
    assert message.state == State.FAILED
    told = Notification.objects.filter(text__contains="failed after 2 tries")
    assert sorted(told.values_list("recipient", flat=True)) == sorted([anna.pk, boss.pk])


@pytest.mark.parametrize(
    ("status", "code", "state"),
    [
        (400, 21999, State.FAILED),  # a refusal Twilio will repeat: not tried again
        (404, 20404, State.FAILED),
        (429, 20429, State.PENDING),  # too many requests: slow down and try again
        (503, 20503, State.PENDING),
    ],
)
def test_twilios_client_errors_fail_at_once_but_429_and_server_errors_are_tried_again(
    twilio, shop, status, code, state
):
    [message] = queued(shop)
    twilio.fail(status=status, code=code, message="Twilio says no")
    outbox_send_due(now=NOON)
    message.refresh_from_db()
    assert (message.state, message.error_code) == (state, str(code))
    assert message.next_try_at == (None if state == State.FAILED else NOON + timedelta(minutes=1))


def test_an_undelivered_callback_for_an_unsubscribed_number_switches_the_channel_off(twilio, shop):
    [message] = queued(shop)
    outbox_send_due(now=NOON)
    message.refresh_from_db()
    message_status_apply(provider_id=message.provider_id, status="undelivered", error_code="21610")
    assert OptOut.objects.filter(customer=message.customer, channel="sms").exists()
    message_status_apply(provider_id=message.provider_id, status="undelivered", error_code="30003")
    assert OptOut.objects.count() == 1


def test_send_again_starts_a_failed_message_afresh_and_leaves_others_alone(twilio, shop):
    failed, sent = queued(shop, count=2)
    OutboundMessage.objects.filter(pk=failed.pk).update(
        state=State.FAILED, attempts=5, error_code="20500", last_error="Twilio: Internal error"
    )
    OutboundMessage.objects.filter(pk=sent.pk).update(state=State.SENT, attempts=1, provider_id="SMdone")
    later = NOON + timedelta(hours=2)
    assert outbox_retry(message_ids=[failed.pk, sent.pk], now=later) == 1
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.next_try_at, failed.last_error) == (State.PENDING, 0, later, "")
    assert outbox_send_due(now=later) == 1
    assert [sent.form["To"] for sent in twilio.taken] == [failed.to]
