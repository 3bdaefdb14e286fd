"""Routers racing on PostgreSQL: no order assigned twice, no manager past quota, whatever the interleaving."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from assignment.exceptions import AssignmentRefused
from assignment.models import AssignmentDecision, ManagerProfile, Presence
from assignment.services import assignments_expire, order_route, order_take, presence_set, queue_serve
from core.people import staff_name
from orders.models import Order, OrderEvent
from orders.services import order_add_note
from tests.factories import ShopFactory, free_manager, make_order
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


def test_four_routers_serving_one_queue_never_double_assign_or_break_a_quota():
    shop = ShopFactory()
    orders = [make_order(shop) for _ in range(200)]  # nobody on duty yet: all wait in the queue
    managers = [free_manager(username=f"m{n}", quota=20) for n in range(5)]

    results = race(4, lambda i: queue_serve(batch=50))  # each router drains batch after batch

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 100  # 5 managers × quota 20; each assignment counted by exactly one router
    per_manager = dict(
        Order.objects.filter(is_final=False, manager__isnull=False).values_list("manager").annotate(n=Count("pk"))
    )
    assert per_manager == {user.pk: 20 for user in managers}
    assert AssignmentDecision.objects.count() == 100
    assert not AssignmentDecision.objects.values("order").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.ASSIGNMENT).count() == 100
    assert Order.objects.filter(manager__isnull=True).count() == len(orders) - 100


def test_four_workers_expiring_acceptance_timeouts_take_each_order_back_once():
    shop = ShopFactory()
    slow = free_manager(username="slow", quota=60)
    orders = [make_order(shop) for _ in range(40)]
    order_add_note(order=orders[0], by=slow, text="On it.")  # taken up in time: stays
    helpers = [free_manager(username=f"h{n}", quota=10) for n in range(3)]

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        results = race(4, lambda i: assignments_expire(batch=100))

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 39
    assert AssignmentDecision.objects.filter(manager=slow, timed_out_at__isnull=False).count() == 39
    taken_back = OrderEvent.objects.filter(kind=OrderEvent.Kind.MANAGER, text__contains="did not take it up")
    assert taken_back.count() == 39
    assert not taken_back.values("order").annotate(n=Count("pk")).filter(n__gt=1).exists()
    per_manager = dict(Order.objects.filter(manager__isnull=False).values_list("manager").annotate(n=Count("pk")))
    # 30 rerouted to the helpers up to their quotas; the 9 nobody else had room for went back to the slow manager
    # rather than wait in the queue.
    assert per_manager == {slow.pk: 10, **{user.pk: 10 for user in helpers}}
    assert not Order.objects.filter(manager__isnull=True).exists()
    given_back = OrderEvent.objects.filter(
        kind=OrderEvent.Kind.ASSIGNMENT, text__contains=f"given back to {staff_name(slow)}"
    )
    assert given_back.count() == 9
    assert Order.objects.filter(pk=orders[0].pk, manager=slow).exists()


@pytest.mark.parametrize("colleague_free", [False, True], ids=["alone", "with-a-free-colleague"])
def test_a_manager_who_goes_to_lunch_while_routing_waits_for_their_row_gets_nothing(colleague_free):
    """Routing surveys without locks, then locks the chosen manager's row and looks again: a manager who left
    Free in between (their presence switch held the row) is passed over, not given the order."""
    shop = ShopFactory()
    anna, boris = free_manager(username="anna"), free_manager(username="boris")
    for user in (anna, boris):
        presence_set(user=user, presence=Presence.BREAK)
    make_order(shop, manager=boris)  # Boris has more open orders: routing tries Anna first
    order = make_order(shop)  # nobody Free: it waits
    back = [anna, boris] if colleague_free else [anna]
    ManagerProfile.objects.filter(user__in=back).update(presence=Presence.FREE)  # queue not served yet
    row_held, go_to_lunch = threading.Event(), threading.Event()
    outcome = {}

    def anna_goes_to_lunch():
        try:
            with transaction.atomic():
                ManagerProfile.objects.select_for_update().get(user=anna)
                row_held.set()
                go_to_lunch.wait(10)
                presence_set(user=anna, presence=Presence.LUNCH)
        finally:
            connection.close()

    def route():
        try:
            outcome["decision"] = order_route(order_id=order.pk)
        except Exception as exc:  # asserted below
            outcome["decision"] = exc
        finally:
            connection.close()

    switch = threading.Thread(target=anna_goes_to_lunch)
    switch.start()
    assert row_held.wait(10)
    router = threading.Thread(target=route)
    router.start()
    # Let the switch commit only once the router has surveyed (Anna Free) and is waiting for her row.
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(waiting)
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the router never waited for the manager's row")
    go_to_lunch.set()
    switch.join(10)
    router.join(10)

    order.refresh_from_db()
    assert ManagerProfile.objects.get(user=anna).presence == Presence.LUNCH
    if colleague_free:
        assert outcome["decision"].manager == boris and order.manager == boris
        assert outcome["decision"].excluded[staff_name(anna)] == "on lunch"  # "Why assigned" says why not Anna
    else:
        assert outcome["decision"] is None and order.manager is None
        assert not AssignmentDecision.objects.exists()


def test_four_managers_taking_one_waiting_order_at_once_give_it_to_exactly_one():
    shop = ShopFactory()
    takers = [free_manager(username=f"t{n}") for n in range(4)]
    for user in takers:
        presence_set(user=user, presence=Presence.BUSY)  # nobody Free: the order waits
    order = make_order(shop)

    results = race(4, lambda i: order_take(order_id=order.pk, user=takers[i]))

    winners = [result for result in results if isinstance(result, AssignmentDecision)]
    assert len(winners) == 1, results
    assert all(isinstance(r, AssignmentRefused) for r in results if r not in winners), results
    order.refresh_from_db()
    assert order.manager == winners[0].manager
    assert order.events.filter(kind=OrderEvent.Kind.ASSIGNMENT).count() == 1


def test_a_manager_taking_four_orders_at_once_stays_within_quota():
    shop = ShopFactory()
    anna = free_manager(username="anna", quota=1)
    presence_set(user=anna, presence=Presence.BUSY)
    orders = [make_order(shop) for _ in range(4)]

    results = race(4, lambda i: order_take(order_id=orders[i].pk, user=anna))

    assert sum(isinstance(result, AssignmentDecision) for result in results) == 1, results
    assert Order.objects.filter(manager=anna, is_final=False).count() == 1
