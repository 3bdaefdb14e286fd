"""A missed call is called back once the shop calls the customer: `phone_calls_called_back` (the dial helper calls
it when a call is placed), a call outcome typed on the order, the call-back task done. Only that customer's missed
calls, only those missed before, and a call back already noted keeps its time."""

from datetime import timedelta

import pytest
import time_machine

from orders.models import PhoneCall
from orders.services import order_record_call, phone_calls_called_back, task_complete
from tests.calls.phone_rows import missed_call, talked_call
from tests.factories import ShopFactory, make_order, make_task, manager, msk

pytestmark = pytest.mark.django_db
NOON = msk(2026, 12, 7, 12, 0)


@pytest.fixture
def order():
    return make_order(ShopFactory(always_open=True), manager=manager())


def called_back(call: PhoneCall):
    call.refresh_from_db()
    return call.called_back_at


def test_only_the_customers_missed_calls_missed_before_it_are_called_back(order):
    earlier = missed_call(order, at=NOON - timedelta(hours=2))
    answered = talked_call(order, manager=order.manager, at=NOON - timedelta(hours=1))
    later = missed_call(order, at=NOON + timedelta(minutes=5))
    someone_else = missed_call(make_order(order.shop, manager=order.manager), at=NOON - timedelta(hours=1))
    assert phone_calls_called_back(customer=order.customer, at=NOON) == 1
    assert called_back(earlier) == NOON
    assert called_back(answered) is None  # not a missed call
    assert called_back(later) is None
    assert called_back(someone_else) is None


def test_a_call_back_already_noted_keeps_its_time(order):
    call = missed_call(order, at=NOON - timedelta(hours=2))
    phone_calls_called_back(customer=order.customer, at=NOON - timedelta(hours=1))
    assert phone_calls_called_back(customer=order.customer, at=NOON) == 0
    assert called_back(call) == NOON - timedelta(hours=1)


@pytest.mark.parametrize("outcome", ["reached", "no_answer", "busy"])
def test_a_call_outcome_typed_on_the_order_is_a_call_back_whatever_came_of_it(order, outcome):
    call = missed_call(order, at=NOON - timedelta(minutes=30))
    with time_machine.travel(NOON, tick=False):
        order_record_call(order=order, by=order.manager, outcome=outcome)
    assert called_back(call) == NOON


def test_the_call_back_task_done_is_a_call_back_and_another_task_done_is_not(order):
    call = missed_call(order, at=NOON - timedelta(minutes=30))
    other = make_task(order, assignee=order.manager, kind="custom", text="Send the invoice")
    with time_machine.travel(NOON, tick=False):
        task_complete(task=other, by=order.manager)
    assert called_back(call) is None
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        task_complete(task=call.callback_task, by=order.manager, without_next_step=True)
    assert called_back(call) == NOON + timedelta(minutes=1)
