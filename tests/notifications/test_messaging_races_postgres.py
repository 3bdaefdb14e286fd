"""Messaging under real concurrency on PostgreSQL: four workers draining one outbox send each row once; Twilio's
retries of one inbound message arriving at once keep it once; four stale-status checkers fire each firing once;
and the every-minute checks read their partial indexes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from desk.flows import trigger_order_steps
from notifications.models import InboundMessage, Notification, OutboundMessage, Trigger, TriggerFiring
from notifications.services import inbound_receive, message_queue, outbox_send, outbox_send_due, triggers_fire_due
from orders.models import Status
from orders.services import order_change_status
from tests.factories import ShopFactory, free_manager, make_order, msk
from tests.notifications.conftest import delivered_to, sms_template
from tests.orders.test_indexes_postgres import plan_of
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]
NOON = msk(2026, 11, 24, 12, 0)
NIGHT, MORNING = msk(2026, 11, 24, 23, 0), msk(2026, 11, 25, 9, 0)


def held_till_morning(count: int) -> list[OutboundMessage]:
    """Messages written at night: held in the outbox until 09:00, when the schedule's workers drain it."""
    template = sms_template()
    with time_machine.travel(NIGHT, tick=False):
        shop = ShopFactory(always_open=True)
        orders = [make_order(shop, phone=f"+7916777{n:04d}") for n in range(count)]
        return [
            message_queue(customer=o.customer, order=o, channel="sms", purpose="trigger", template=template)
            for o in orders
        ]


def test_four_workers_draining_one_outbox_send_each_message_once(twilio):
    messages = held_till_morning(40)
    results = race(4, lambda i: outbox_send_due(now=MORNING, batch=5))
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 40 and sum(1 for result in results if result) > 1  # the work was really shared
    for message in messages:
        assert len(delivered_to(twilio, message.to)) == 1
    assert set(OutboundMessage.objects.values_list("state", "attempts")) == {(OutboundMessage.State.SENT, 1)}


def test_the_after_commit_task_and_the_schedule_racing_for_one_message_send_it_once(twilio):
    [message] = held_till_morning(1)
    results = race(
        4, lambda i: outbox_send(message_id=message.pk, now=MORNING) if i % 2 else outbox_send_due(now=MORNING)
    )
    assert not any(isinstance(result, Exception) for result in results), results
    assert len(twilio.sent) == 1


def test_twilio_retrying_one_inbound_message_at_once_keeps_it_once():
    shop = ShopFactory(always_open=True)
    manager = free_manager(shops=[shop])
    make_order(shop, phone="+79161112233", manager=manager)
    results = race(
        4, lambda i: inbound_receive(message_sid="SMsame", from_address="+79161112233", body="Hello?")[1]
    )
    assert sorted(results) == [False, False, False, True], results
    assert InboundMessage.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.REPLY).count() == 1


def test_four_stale_status_checkers_fire_each_due_firing_once():
    shop = ShopFactory(always_open=True)
    manager = free_manager(shops=[shop], quota=100)
    Trigger.objects.create(
        name="Waiting for approval",
        status=Status.objects.get(code="approval"),
        when="stays",
        after=timedelta(hours=1),
        template=sms_template(),
    )
    with time_machine.travel(NOON, tick=False):
        for _n in range(30):
            order = make_order(shop, manager=manager)
            order_change_status(order=order, target="approval", by=manager)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        results = race(4, lambda i: triggers_fire_due(batch=5, order_steps=trigger_order_steps))
    assert sum(results) == 30, results
    assert OutboundMessage.objects.count() == 30
    assert TriggerFiring.objects.filter(outcome="fired").count() == 30


def test_the_outbox_sender_reads_only_rows_waiting_to_go_from_its_partial_index():
    due = OutboundMessage.objects.filter(state__in=["pending", "held"], next_try_at__lte=timezone.now())
    assert "outbound_due_idx" in plan_of(due)


def test_the_stale_status_check_reads_only_due_firings_from_its_partial_index():
    due = TriggerFiring.objects.filter(done_at__isnull=True, due_at__lte=timezone.now())
    assert "firing_due_idx" in plan_of(due)
