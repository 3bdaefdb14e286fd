"""Fixtures of the KPI tests: a shop with two managers, a supervisor and an inspector, and a day's history."""

from datetime import timedelta

import pytest
import time_machine

from assignment.models import Presence
from assignment.services import presence_set
from orders.models import CallOutcome
from orders.services import order_change_status, order_record_call, order_set_manager, task_complete
from tests.factories import (
    ShopFactory,
    free_manager,
    grant,
    inspector,
    make_conversation,
    make_order,
    make_task,
    supervisor,
)
from tests.kpi.kpi_history import at, rate


@pytest.fixture
def desk():
    shop = ShopFactory(always_open=True)
    anna = free_manager(shops=[shop], first_name="Anna", last_name="A", username="anna")
    boris = free_manager(shops=[shop], first_name="Boris", last_name="B", username="boris")
    boss = supervisor(first_name="Svetlana", last_name="S", username="boss")
    grant(boss, shops=[shop])
    checker = inspector()
    grant(checker, shops=[shop])
    return {"shop": shop, "anna": anna, "boris": boris, "boss": boss}


@pytest.fixture
def history(desk):
    """Anna takes two orders; she calls about the first, a supervisor hands it to Boris, who completes it; it is
    rated 2 (a claim). Anna closes a task on the second on time, then cancels it. Anna answers three
    conversations, in 1, 10 and 2 minutes (the clock is 5), and closes the last; Boris closes one as spam
    unanswered and has one waiting for his first reply."""
    from feedback.models import ShopFeedback

    ShopFeedback.objects.create(shop=desk["shop"], signer="Maria", delay=timedelta(0))
    anna, boris, boss = desk["anna"], desk["boris"], desk["boss"]
    presence_set(user=boris, presence=Presence.LUNCH)  # so routing gives both orders to Anna
    with time_machine.travel(at(10), tick=False):
        first = make_order(desk["shop"], manager=anna)
        second = make_order(desk["shop"], manager=anna)
    with time_machine.travel(at(10, 5), tick=False):
        order_record_call(order=first, by=anna, outcome=CallOutcome.REACHED)
        order_change_status(order=first, target="approval", by=anna)
        task = make_task(second, assignee=anna, due_at=at(12))
    with time_machine.travel(at(10, 30), tick=False):
        task_complete(task=task, by=anna, without_next_step=True)
    with time_machine.travel(at(11), tick=False):
        order_set_manager(order=first, manager=boris, by=boss, reason="Anna's lunch")
        for code in ("assembly", "delivery", "complete"):
            order_change_status(order=first, target=code, by=boris)
        order_change_status(order=second, target="cancelled", by=anna, reason="changed their mind")
    rate(first, 2, at(15))
    shop = desk["shop"]
    make_conversation(shop, manager=anna, started=at(9), replied=at(9, 1))
    make_conversation(shop, manager=anna, started=at(9, 10), replied=at(9, 20))
    make_conversation(
        shop, manager=anna, started=at(9, 30), replied=at(9, 32), closed=at(9, 40), reason="answered"
    )
    make_conversation(shop, manager=boris, started=at(9), closed=at(9, 3), reason="spam")
    make_conversation(shop, manager=boris, started=at(9, 50))
    return {"first": first, "second": second}
