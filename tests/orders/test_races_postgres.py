"""Races that only a real database with row locks can show: threads lined up on a barrier, on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from orders.exceptions import StaleOrder
from orders.models import CallOutcome, Customer, Order, OrderEvent, Task
from orders.services import (
    order_change_status,
    order_create,
    order_edit,
    order_record_call,
    orders_flag_overdue,
    tasks_remind_due,
)
from tests.factories import ShopFactory, make_order, make_task, manager

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


def race(workers: int, work):
    """Run work(i) in `workers` threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected, asserted by the caller
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("known", [False, True], ids=["new customer", "customer the shop knows"])
def test_the_same_order_pushed_at_once_by_many_workers_is_created_once(known):
    """For a customer the shop knows only the order's own unique constraint holds: their phone is not inserted
    again, so the customer's unique phone cannot stop the copies as it does for a new customer."""
    shop = ShopFactory()
    earlier = make_order(shop, phone="+79160000001", customer_name="Ivan") if known else None
    customer = {"name": "Ivan", "phone": "+79160000001", "email": "", "legal_type": "person", "is_vip": False}
    items = [{"sku": "A", "name": "Teapot", "qty": 1, "price": 100}]

    results = race(8, lambda i: order_create(shop=shop, external_id="web-1", customer=customer, items=items))

    assert all(isinstance(result, tuple) for result in results), results
    assert len({order.pk for order, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    pushed = Order.objects.exclude(pk=earlier.pk) if known else Order.objects.all()
    assert pushed.count() == 1 and Customer.objects.count() == 1
    assert OrderEvent.objects.filter(order__in=pushed).count() == 1


def test_two_people_changing_one_order_at_once_cannot_both_win():
    order = make_order()
    people = [manager(), manager()]
    targets = ["approval", "cancelled"]

    # Both copies are read before the race starts, as two people's open pages are: read after the barrier, a
    # slow thread could load the winner's committed status and fail for another reason than the race.
    copies = [Order.objects.get(pk=order.pk) for _ in people]

    def change(i):
        return order_change_status(order=copies[i], target=targets[i], by=people[i], reason="race")

    results = race(2, change)

    assert sum(isinstance(result, Order) for result in results) == 1, results
    assert sum(isinstance(result, StaleOrder) for result in results) == 1, results
    order.refresh_from_db()
    assert order.events.filter(kind=OrderEvent.Kind.STATUS).count() == 1
    assert order.events.get(kind=OrderEvent.Kind.STATUS).status_to == order.status


def test_sweepers_running_at_once_flag_each_due_order_once():
    shop = ShopFactory(always_open=True)  # the clock runs whatever the hour the test runs at
    orders = [make_order(shop) for _ in range(30)]
    later = timezone.now() + timedelta(hours=1)

    results = race(4, lambda i: orders_flag_overdue(now=later, batch=10))

    assert all(isinstance(result, int) for result in results), results
    # No order counted by two sweepers: what they report equals what is flagged.
    assert Order.objects.filter(is_overdue=True).count() == sum(results) > 0
    flagged_events = OrderEvent.objects.filter(kind=OrderEvent.Kind.OVERDUE)
    assert flagged_events.count() == Order.objects.filter(is_overdue=True).count()
    assert flagged_events.values("order").distinct().count() == flagged_events.count()
    while orders_flag_overdue(now=later, batch=10):
        pass
    assert Order.objects.filter(is_overdue=True).count() == len(orders)
    assert flagged_events.count() == len(orders)


def test_two_misses_recorded_at_once_climb_the_ladder_twice_and_leave_one_next_call():
    anna = manager(username="anna")
    order = make_order(ShopFactory(), manager=anna)

    results = race(2, lambda i: order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER))

    assert not [result for result in results if isinstance(result, Exception)], results
    order.refresh_from_db()
    assert order.missed_calls == 2
    assert sorted(result.event.data["missed_calls"] for result in results) == [1, 2]
    open_calls = Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True)
    assert open_calls.count() == 1  # the second call closed the task the first one planned


def test_four_reminder_runs_at_once_remind_each_due_task_once():
    anna = manager(username="anna")
    shop = ShopFactory()
    for n in range(30):
        order = make_order(shop, manager=anna)
        make_task(order, assignee=anna, text=f"Call {n}")

    results = race(4, lambda i: tasks_remind_due(batch=10))

    assert all(isinstance(result, int) for result in results), results
    reminders = Notification.objects.filter(recipient=anna, kind=Notification.Kind.REMINDER)
    assert reminders.count() == sum(results)
    assert sum(results) + sum(tasks_remind_due() for _ in range(3)) == 30
    assert reminders.count() == reminders.values("text").distinct().count() == 30


def test_two_people_editing_one_order_at_once_cannot_both_save():
    order = make_order(ShopFactory(always_open=True))
    people = [manager(), manager()]
    copies = [Order.objects.get(pk=order.pk) for _ in people]  # both pages opened before either saves
    rows = [{"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()]

    def save(i):
        return order_edit(
            order=copies[i],
            by=people[i],
            seen_at=copies[i].updated_at,
            items=rows,
            delivery_address=f"Address {i}",
            delivery_date=None,
            tracking_code="",
            comment="",
        )

    results = race(2, save)

    assert sum(isinstance(result, list) for result in results) == 1, results
    assert sum(isinstance(result, StaleOrder) for result in results) == 1, results
    order.refresh_from_db()
    assert order.events.filter(kind=OrderEvent.Kind.EDIT).count() == 1
    assert order.events.get(kind=OrderEvent.Kind.EDIT).text.endswith(order.delivery_address)
