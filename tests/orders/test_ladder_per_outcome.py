"""Seed 001: each kind of miss has its own ladder; the outcome typed on the call panel picks it too, and the
admin's ladder keeps each outcome's steps numbered 1..N."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orders.models import NoAnswerStep, Task
from orders.services import order_record_call
from tests.factories import free_manager, make_order, msk


@pytest.fixture
def order(db):
    with time_machine.travel(msk(2026, 12, 7, 12, 0), tick=False):
        manager = free_manager(username="anna")
        yield make_order(manager=manager)


def _next_call_in(order) -> timedelta:
    task = Task.objects.get(order=order, kind=Task.Kind.CALL, done_at__isnull=True)
    return task.due_at - timezone.now()


@pytest.mark.parametrize(
    ("outcome", "after", "line"),
    [
        ("busy", timedelta(minutes=15), "Call: busy (miss 1 of 4)"),
        ("no_answer", timedelta(minutes=5), "Call: no answer (miss 1 of 5)"),
        ("unreachable", timedelta(hours=1), "Call: unreachable (miss 1 of 3)"),
    ],
)
def test_a_typed_outcome_climbs_its_own_ladder(order, outcome, after, line):
    with time_machine.travel(msk(2026, 12, 7, 12, 0), tick=False):
        result = order_record_call(order=order, by=order.manager, outcome=outcome)
        assert _next_call_in(order) == after
    assert result.event.shown_text == line


def test_a_miss_past_its_outcomes_last_rung_gives_up(order):
    with time_machine.travel(msk(2026, 12, 7, 12, 0), tick=True):
        for _ in range(2):
            assert order_record_call(order=order, by=order.manager, outcome="unreachable").next_call is not None
        result = order_record_call(order=order, by=order.manager, outcome="unreachable")
    assert result.next_call is None and (result.cancelled or result.needs_supervisor)


def test_deleting_a_step_renumbers_only_its_own_outcomes_ladder(admin_client):
    first_busy = NoAnswerStep.objects.get(outcome="busy", miss=1)

    admin_client.post(reverse("admin:orders_noanswerstep_delete", args=[first_busy.pk]), {"post": "yes"})

    ladders = {
        outcome: list(
            NoAnswerStep.objects.filter(outcome=outcome).order_by("miss").values_list("miss", "retry_after")
        )
        for outcome in ("busy", "no_answer", "unreachable")
    }
    assert ladders["busy"] == [(1, timedelta(hours=1)), (2, timedelta(hours=3))]
    assert [miss for miss, _ in ladders["no_answer"]] == [1, 2, 3, 4]
    assert ladders["unreachable"] == [(1, timedelta(hours=1)), (2, timedelta(days=1))]
