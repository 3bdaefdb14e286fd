import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from assignment.services import order_route, order_take, presence_set, queue_serve
from orders.exceptions import StaleOrder
from orders.models import Order, OrderEvent
from orders.services import order_change_status
from tests.factories import ShopFactory, free_manager, make_order, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory()


def orders_waiting(shop, count: int) -> list[Order]:
    """`count` new orders that wait in the queue (every manager away as they arrive); then everyone is Free again,
    so the next serve decides who takes them."""
    ManagerProfile.objects.update(presence=Presence.LUNCH)
    waiting = [make_order(shop) for _ in range(count)]
    ManagerProfile.objects.update(presence=Presence.FREE)
    return waiting


def test_a_new_order_goes_at_once_to_the_free_manager_with_fewest_open_orders(shop):
    busy_one = free_manager(username="busy", first_name="Boris", last_name="Busy")
    light_one = free_manager(username="light", first_name="Lena", last_name="Light")
    for _ in range(2):
        make_order(shop, manager=busy_one)
    order = make_order(shop)
    order.refresh_from_db()
    assert order.manager == light_one
    decision = order.assignment_decisions.get()
    assert decision.rule == AssignmentDecision.Rule.EVEN_LOAD
    assert [c["manager"] for c in decision.candidates] == ["Lena Light", "Boris Busy"]
    assert order.events.filter(kind=OrderEvent.Kind.ASSIGNMENT, text__contains="Even load").exists()


@pytest.mark.parametrize("gone", ["deactivated", "no longer in the Manager group"])
def test_routing_passes_over_a_profile_whose_user_left_the_team(shop, gone):
    """Only active members of the Manager group are the team: a profile left behind gets nothing, however light."""
    left = free_manager(username="left")
    stays = free_manager(username="stays")
    make_order(shop, manager=stays)  # the one who left would be first in line by load
    if gone == "deactivated":
        type(left).objects.filter(pk=left.pk).update(is_active=False)
    else:
        left.groups.clear()
    order = make_order(shop)
    assert order.manager == stays
    assert "left" not in json.dumps(order.assignment_decisions.get().candidates)


def test_routing_and_the_team_view_see_the_same_team(shop):
    """Routing's hand-written read and the dashboard's queryset name the same people."""
    from assignment.routing.sql import routing_team
    from assignment.selectors import team_profiles

    kept = [free_manager(username="kept"), free_manager(username="granted", shops=[shop])]
    deactivated, outside = free_manager(username="deactivated"), free_manager(username="outside")
    type(deactivated).objects.filter(pk=deactivated.pk).update(is_active=False)
    outside.groups.clear()
    assert sorted(row.user_id for row in routing_team()) == sorted(p.user_id for p in team_profiles())
    assert sorted(row.user_id for row in routing_team()) == sorted(user.pk for user in kept)


def test_ties_go_to_the_manager_idle_longest(shop):
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        longest = free_manager(username="early")
    free_manager(username="late")
    assert make_order(shop).manager == longest


@pytest.mark.parametrize(
    "anna_free_for, anna_last_assigned",
    [(timedelta(hours=2), timedelta(minutes=5)), (timedelta(minutes=10), timedelta(hours=2))],
    ids=["given an order lately", "back from lunch lately"],
)
def test_idle_since_is_the_later_of_turning_free_and_the_last_assignment(shop, anna_free_for, anna_last_assigned):
    """Anna turned Free long ago but was given an order lately, or was given one long ago but is just back from
    lunch: either way Boris, Free for an hour with nothing given since, has been idle longer."""
    anna, boris = free_manager(username="anna"), free_manager(username="boris")
    now = timezone.now()
    ManagerProfile.objects.filter(user=anna).update(
        presence_since=now - anna_free_for, last_assigned_at=now - anna_last_assigned
    )
    ManagerProfile.objects.filter(user=boris).update(presence_since=now - timedelta(hours=1))
    assert make_order(shop).manager == boris


def test_a_vip_goes_to_the_most_experienced_free_manager(shop):
    free_manager(username="junior", experience=1)
    senior = free_manager(username="senior", experience=9)
    for _ in range(3):
        make_order(shop, manager=senior)
    order = make_order(shop, vip=True)
    assert order.manager == senior
    assert order.assignment_decisions.get().rule == AssignmentDecision.Rule.VIP


def test_a_repeat_customer_goes_back_to_their_manager(shop):
    first_manager = free_manager(username="first")
    first = make_order(shop, phone="+79160000077")
    assert first.manager == first_manager
    free_manager(username="newcomer")
    again = make_order(shop, phone="+79160000077")
    assert again.manager == first_manager
    assert again.assignment_decisions.get().rule == AssignmentDecision.Rule.REPEAT


def test_a_repeat_customer_waits_for_an_away_manager_then_goes_to_the_pool(shop):
    own = free_manager(username="own")
    make_order(shop, phone="+79160000077")
    presence_set(user=own, presence=Presence.LUNCH)
    other = free_manager(username="other")
    again = make_order(shop, phone="+79160000077")
    assert again.manager is None  # sticky wait
    with time_machine.travel(timezone.now() + RoutingSettings.load().sticky_wait + timedelta(seconds=1)):
        assert queue_serve() == 1
    again.refresh_from_db()
    assert again.manager == other


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda user, shop: presence_set(user=user, presence=Presence.LUNCH), "on lunch"),
        (lambda user, shop: presence_set(user=user, presence=Presence.OFFLINE), "offline"),
        (lambda user, shop: make_order(shop, manager=user), "at quota (1/1)"),
        (
            lambda user, shop: __import__("tests.factories").factories.grant(user, shops=[ShopFactory()]),
            "not granted shop",
        ),
        (
            lambda user, shop: __import__("tests.factories").factories.grant(user, methods=["phone"]),
            "not granted method",
        ),
    ],
)
def test_each_reason_a_manager_is_passed_over_is_recorded(shop, setup, reason):
    chosen = free_manager(username="chosen")
    other = free_manager(username="other", first_name="Olga", last_name="Other", quota=1)
    setup(other, shop)
    order = make_order(shop)
    assert order.manager == chosen
    assert order.assignment_decisions.get().excluded["Olga Other"].startswith(reason)


def test_with_no_candidate_the_order_waits_and_is_served_when_a_manager_turns_free(
    shop, django_capture_on_commit_callbacks
):
    resting = free_manager(username="resting")
    presence_set(user=resting, presence=Presence.BREAK)
    order = make_order(shop)
    assert order.manager is None
    with django_capture_on_commit_callbacks(execute=True):
        presence_set(user=resting, presence=Presence.FREE)
    order.refresh_from_db()
    assert order.manager == resting


def test_closing_an_order_frees_capacity_for_the_queue(shop, django_capture_on_commit_callbacks):
    user = free_manager(username="full", quota=1)
    held = make_order(shop)
    waiting = make_order(shop)
    assert held.manager == user and waiting.manager is None
    with django_capture_on_commit_callbacks(execute=True):
        order_change_status(order=held, target="cancelled", by=user, reason="duplicate")
    waiting.refresh_from_db()
    assert waiting.manager == user


@pytest.mark.parametrize(("priority", "expected"), [("oldest", 0), ("newest", 1)])
def test_the_queue_is_served_in_the_configured_priority(shop, priority, expected):
    RoutingSettings.objects.update_or_create(pk=1, defaults={"queue_priority": priority})
    waiting = [make_order(shop), make_order(shop)]
    user = free_manager(username="only", quota=1)
    assert queue_serve() == 1
    assert Order.objects.get(manager=user) == waiting[expected]


def test_routing_costs_the_same_queries_with_10_and_500_managers(shop):
    def queries(managers: int) -> int:
        while ManagerProfile.objects.count() < managers:
            free_manager()
        order = make_order(shop)
        Order.objects.filter(pk=order.pk).update(manager=None)
        with CaptureQueriesContext(connection) as ctx:
            assert order_route(order_id=order.pk) is not None
        return len(ctx)

    assert queries(10) == queries(500)


def test_the_order_page_says_why_it_was_assigned(client, shop):
    chosen = free_manager(username="chosen", first_name="Chris", last_name="Chosen")
    resting = free_manager(username="resting", first_name="Rita", last_name="Resting")
    presence_set(user=resting, presence=Presence.LUNCH)
    order = make_order(shop)
    client.force_login(chosen)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Why assigned" in html and "Assigned to Chris Chosen: The only free manager with room for it" in html
    assert "Rita Resting: on lunch" in html and "Chris Chosen: 0/10 open" in html


@pytest.mark.parametrize("priority", ["oldest", "newest"])
def test_a_quota_raise_drains_the_whole_queue_in_one_serve_not_a_batch_a_minute(shop, priority):
    RoutingSettings.objects.update_or_create(pk=1, defaults={"queue_priority": priority})
    boss = free_manager(username="boss", quota=1)
    ManagerProfile.objects.filter(user=boss).update(presence=Presence.LUNCH)
    waiting = [make_order(shop) for _ in range(45)]
    assert not Order.objects.filter(manager__isnull=False).exists()
    anna = free_manager(username="anna", quota=100)
    assert queue_serve(batch=10) == 45  # five batches of ten, in one serve
    assert Order.objects.filter(manager=anna).count() == len(waiting)


def test_serving_stops_when_nobody_has_room_left(shop):
    free_manager(username="anna", quota=3)
    orders_waiting(shop, 30)
    with CaptureQueriesContext(connection) as ctx:
        assert queue_serve(batch=5) == 3
    pages_read = [q["sql"] for q in ctx.captured_queries if q["sql"].rstrip().endswith("LIMIT 5")]
    assert len(pages_read) == 2  # one batch (a page of orders, one of conversations) filled her, not all 30


def test_a_decision_keeps_the_same_size_for_a_team_of_ten_or_four_hundred(client, shop):
    def decision_size(managers: int):
        while ManagerProfile.objects.count() < managers:
            user = free_manager()
            if ManagerProfile.objects.count() % 2:
                ManagerProfile.objects.filter(user=user).update(presence=Presence.LUNCH)
        order = make_order(shop)
        decision = order.assignment_decisions.get()
        stored = json.dumps([decision.candidates, decision.excluded, decision.excluded_counts])
        return order, decision, len(stored)

    _, _, small = decision_size(10)
    order, decision, large = decision_size(400)
    assert large <= small * 1.5 and large < 2000, (small, large)
    assert len(decision.candidates) == 5 and decision.candidate_count == 200
    assert len(decision.excluded) == 10 and decision.excluded_counts == {"on lunch": 200}
    event = order.events.get(kind=OrderEvent.Kind.ASSIGNMENT)
    assert set(event.data) == {"decision", "accept_by"}  # the history names the decision, not its candidates
    client.force_login(supervisor())
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "200 eligible in all" in page and "In all: 200 on lunch" in page


def test_one_serve_spreads_the_queue_evenly_though_it_reads_the_team_once_per_batch(shop):
    """The queue reads the team once per batch and counts its own assignments into it: even load holds."""
    team = [free_manager(username=name, quota=100) for name in ("anna", "boris", "vera")]
    orders_waiting(shop, 9)
    with CaptureQueriesContext(connection) as ctx:
        assert queue_serve(batch=20) == 9
    assert [Order.objects.filter(manager=user).count() for user in team] == [3, 3, 3]
    profiles = connection.ops.quote_name(ManagerProfile._meta.db_table)
    team_reads = [q for q in ctx.captured_queries if f"FROM {profiles} p" in q["sql"]]
    assert 1 <= len(team_reads) <= 3  # the batch's reading (and the one after it), not one per order


def test_a_stale_reading_of_the_team_never_breaks_a_quota_or_gives_an_order_to_someone_away(shop):
    """Between the queue's reading of the team and an order, Anna filled up and Boris went to lunch: the row
    locks see it, the order goes to Vera, and the reading is marked stale for the next order."""
    from assignment.routing import team_read

    anna = free_manager(username="anna", first_name="Anna", last_name="A", quota=1)
    boris = free_manager(username="boris", first_name="Boris", last_name="B", quota=5)
    vera = free_manager(username="vera", quota=5)
    for user in (boris, vera):
        make_order(shop, manager=user)  # Anna has the fewest open orders, so she is first in line
    [waiting] = orders_waiting(shop, 1)
    team = team_read()
    make_order(shop, manager=anna)  # now at her quota of 1
    ManagerProfile.objects.filter(user=boris).update(presence=Presence.LUNCH)
    decision = order_route(order_id=waiting.pk, team=team)
    assert decision.manager == vera and team.stale
    assert Order.objects.filter(manager=anna, is_final=False).count() == 1
    assert "at quota (1/1)" in decision.excluded["Anna A"] and decision.excluded["Boris B"] == "on lunch"


def test_a_manager_refused_under_the_lock_keeps_their_last_assignment_time_and_the_chosen_one_gets_it(shop):
    """The lock notes the assignment to come; a refusal rolls the note back, so the refused manager still counts
    as idle as long as before (the tie-break), and their row is free again for other routers."""
    from assignment.routing import team_read

    anna = free_manager(username="anna", quota=1)
    vera = free_manager(username="vera", quota=5)
    make_order(shop, manager=vera)  # Anna has the fewest open orders, so she is first in line
    [waiting] = orders_waiting(shop, 1)
    team = team_read()
    make_order(shop, manager=anna)  # now at her quota of 1
    before = ManagerProfile.objects.get(user=anna).last_assigned_at
    now = timezone.now()
    decision = order_route(order_id=waiting.pk, team=team, now=now)
    assert decision.manager == vera and decision.manager.get_full_name() == vera.get_full_name()
    assert ManagerProfile.objects.get(user=anna).last_assigned_at == before
    assert ManagerProfile.objects.get(user=vera).last_assigned_at == now


def test_capacity_starts_one_router_per_q2_worker_where_rows_lock_and_one_where_they_do_not(settings):
    from unittest import mock

    from django.db import connection

    from assignment.services.queue import queue_routers

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 3}
    expected = 3 if connection.features.has_select_for_update_skip_locked else 1
    assert queue_routers() == expected
    # SQLite (the demo) has no row locks to share the queue out: one router, as before.
    with mock.patch.object(connection.features, "has_select_for_update_skip_locked", False):
        assert queue_routers() == 1


def test_routing_a_new_order_an_earlier_step_already_gave_away_refuses_instead_of_assigning_it_twice(shop):
    anna = free_manager(username="anna", shops=[shop])
    boris = free_manager(username="boris", shops=[shop])
    order = orders_waiting(shop, 1)[0]
    as_intake_holds_it = Order.objects.select_related("customer", "shop").get(pk=order.pk)
    order_take(order_id=order.pk, user=anna)
    with pytest.raises(StaleOrder, match="already has a manager"), transaction.atomic():
        order_route(new_order=as_intake_holds_it)  # boris is free with room: only the re-check stops it
    order.refresh_from_db()
    assert order.manager == anna and boris.pk not in order.assignment_decisions.values_list("manager", flat=True)
    assert order.events.filter(kind=OrderEvent.Kind.ASSIGNMENT).count() == 1
