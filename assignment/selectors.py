from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assignment.kpi_sources import figure_rows
from assignment.models import AssignmentDecision, ManagerProfile, RoutingSettings
from assignment.routing.sql import open_orders_by_manager
from orders.history import ChangeOfHands
from orders.models import HAND_KINDS, TAKE_UP_KINDS, Order, OrderEvent, Task
from orders.roles import MANAGER
from orders.selectors import managers_covering_user_shops, order_scope, shop_scope

# Timeouts are counted over this window; this many or more marks a manager as letting orders slip.
TIMEOUT_WINDOW = timedelta(days=7)
REPEATED_TIMEOUTS = 2


def team_profiles() -> QuerySet[ManagerProfile]:
    """Profiles of active members of the Manager group: the people routing and the team view consider."""
    return ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER).select_related("user")


def team_load(*, user: User, now: datetime | None = None) -> list[ManagerProfile]:
    """The managers of the shops this supervisor sees, with presence, open orders against quota, open and
    overdue tasks and recent acceptance timeouts, in four queries (plus the settings row)."""
    now = now or timezone.now()
    default_quota = RoutingSettings.load().default_quota
    profiles = list(
        team_profiles()
        .filter(user__in=managers_covering_user_shops(user))
        .order_by("presence", "user__first_name", "user__username")
    )
    user_ids = [profile.user_id for profile in profiles]
    open_orders = open_orders_by_manager(user_ids)
    timeouts = dict(
        AssignmentDecision.objects.filter(manager_id__in=user_ids, timed_out_at__gte=now - TIMEOUT_WINDOW)
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    tasks = {
        row["assignee_id"]: row
        for row in Task.objects.filter(assignee_id__in=user_ids, done_at__isnull=True)
        .values("assignee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    }
    for profile in profiles:
        profile.open_orders = open_orders.get(profile.user_id, 0)
        counted = tasks.get(profile.user_id)
        profile.open_tasks = counted["open"] if counted else 0
        profile.overdue_tasks = counted["overdue"] if counted else 0
        profile.timeouts = timeouts.get(profile.user_id, 0)
        profile.lets_orders_slip = profile.timeouts >= REPEATED_TIMEOUTS
        profile.quota = profile.quota_or(default_quota)
        profile.load_percent = min(100, round(100 * profile.open_orders / profile.quota)) if profile.quota else 100
    return profiles


def assignment_latest(*, history: list[OrderEvent]) -> OrderEvent | None:
    """The latest change of hands in a history read newest first: routing's (its data names the decision that
    explains it), or who reassigned the order and why."""
    return next((event for event in history if event.kind in HAND_KINDS), None)


def assignment_take_up_by(*, order: Order, history: list[OrderEvent]) -> datetime | None:
    """By when the manager must take up (work on) an order routing gave them, while they still must; read from
    the history, newest first: routing's assignment event carries the deadline (`order_route` writes it)."""
    for event in history:
        if event.kind in TAKE_UP_KINDS and event.actor_id is not None and event.actor_id == order.manager_id:
            return None
        if event.kind in HAND_KINDS:
            hand = ChangeOfHands.of(event)
            return hand.routed.accept_by if hand.routed and hand.manager_to_id == order.manager_id else None
    return None


def assignment_decision_of(*, event: OrderEvent | None) -> AssignmentDecision | None:
    """The routing decision a change of hands names (none for a supervisor's reassign)."""
    routed = ChangeOfHands.of(event).routed if event is not None else None
    return AssignmentDecision.objects.filter(pk=routed.decision_id).first() if routed else None


def kpi_rows(
    *, user: User, figure: str, people: list[int], start: datetime, end: datetime
) -> QuerySet[Any, tuple[int | None, int]]:
    """What a KPI number counted that the viewer may see, one (order id, person) per counted row, newest order
    first: an order counts once for each time it counted (two calls: two lines). A task about a customer rather
    than an order has no order id."""
    rows = figure_rows(figure, start, end, people)
    seen = Q(order__in=order_scope(user))
    if rows.model is Task:
        seen |= Q(order__isnull=True, customer__shop__in=shop_scope(user))
    return (
        rows.filter(seen)
        .order_by("-order__created_at", "-order_id", "person", "pk")
        .values_list("order_id", "person")
    )


def kpi_orders_of(
    *, rows: list[tuple[int | None, int]], people: dict[int, User]
) -> list[tuple[Order | None, User | None]]:
    """A page of KPI rows as (order, the person it counted for), in the rows' order (an order twice when it
    counted twice); `people`: the people shown, by id."""
    orders = Order.objects.select_related("shop", "customer", "manager").in_bulk(
        {order_id for order_id, _ in rows if order_id is not None}
    )
    return [(orders.get(order_id), people.get(person)) for order_id, person in rows]
