"""The unassigned queue of orders and conversations: served in the desk's priority on every capacity event and
every minute; orders that wait too long with nobody able to take them are reported to supervisors."""

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from assignment import signals
from assignment.models import AssignmentDecision, QueueAlert, RoutingSettings
from assignment.routing import Team, survey, team_read
from assignment.routing.routables import RoutedOrder
from assignment.services.routing import conversation_route, order_route
from orders.models import Conversation, Order


def _waiting_orders() -> QuerySet[Order]:
    return Order.objects.filter(manager__isnull=True, is_final=False)


def _waiting_conversations() -> QuerySet[Conversation]:
    return Conversation.objects.filter(manager__isnull=True).exclude(state=Conversation.State.CLOSED)


# What waits in the queue, each kind with how it is routed: orders and conversations in one priority order.
WAITING: list[tuple[Callable[[], QuerySet[Any]], Callable[[int, Team], AssignmentDecision | None]]] = [
    (_waiting_orders, lambda pk, team: order_route(order_id=pk, team=team)),
    (_waiting_conversations, lambda pk, team: conversation_route(conversation_id=pk, team=team)),
]


def queue_serve(*, batch: int = 200, budget: timedelta = timedelta(seconds=20)) -> int:
    """Offer waiting orders and conversations to managers in the desk's queue priority (by when they came in,
    both kinds in one order), batch after batch through the whole queue, until nobody has room or the time
    budget is spent (the next capacity event or the every-minute run goes on from there). Returns how many
    were assigned."""
    routing = RoutingSettings.load()
    newest_first = routing.queue_priority == RoutingSettings.QueuePriority.NEWEST
    order_by = ["-created_at", "-pk"] if newest_first else ["created_at", "pk"]
    stop_at = time.monotonic() + budget.total_seconds()
    assigned = 0
    after: list[tuple[datetime, int] | None] = [None] * len(WAITING)  # each kind's keyset: the last one offered
    team = team_read(routing)  # once per batch: the manager's row lock re-checks presence and quota per item
    while time.monotonic() < stop_at and team.anyone_has_room():
        rows: list[tuple[datetime, int, int]] = []
        for kind, (waiting, _) in enumerate(WAITING):
            page = waiting().order_by(*order_by)
            if (last := after[kind]) is not None:  # the ones after the last one offered, in priority order
                created_at, pk = last
                if newest_first:
                    page = page.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
                else:
                    page = page.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk))
            rows += [(created_at, kind, pk) for created_at, pk in page.values_list("created_at", "pk")[:batch]]
        if not rows:
            break
        for created_at, kind, pk in sorted(rows, reverse=newest_first)[:batch]:  # the kinds merged by age
            if team.stale:  # the lock found someone away or full: see the team as it is now
                team = team_read(routing)
            assigned += WAITING[kind][1](pk, team) is not None
            after[kind] = (created_at, pk)
        team = team_read(routing)
    return assigned


def queue_routers() -> int:
    """How many routers serve the queue at once when capacity appears: every q2 worker where the database has
    row locks to share the queue out (`skip_locked` on the order, the manager's row lock), else one."""
    if not connection.features.has_select_for_update_skip_locked:
        return 1
    return max(1, int(settings.Q_CLUSTER.get("workers", 1)))


def queue_serve_after_commit() -> None:
    """Capacity appeared: serve the queue once the change is committed, from as many q2 workers as can share it
    (a queue of thousands drains in seconds, not minutes)."""
    routers = queue_routers()
    transaction.on_commit(lambda: [async_task("assignment.tasks.route_waiting") for _ in range(routers)])


def queue_report_waiting(*, now: datetime | None = None, batch: int = 100) -> int:
    """Tell supervisors, once per order, about orders still waiting after the alert time: nobody could take
    them (away, at quota, not granted). Run after the queue was served."""
    now = now or timezone.now()
    routing = RoutingSettings.load()
    stuck = (
        Order.objects.filter(
            manager__isnull=True,
            is_final=False,
            created_at__lte=now - routing.queue_alert_after,
            queue_alert__isnull=True,
        )
        .select_related("customer", "shop")
        .order_by("created_at")[:batch]
    )
    reported = 0
    team = team_read(routing)  # why each waits, from one reading of the team
    for order in stuck:
        try:
            with transaction.atomic():
                QueueAlert.objects.create(order=order)
                why = survey(RoutedOrder(order), team, now).excluded
                minutes = round((now - order.created_at).total_seconds() / 60)
                signals.order_waiting_too_long.send(sender=QueueAlert, order=order, minutes=minutes, why=why)
        except IntegrityError:
            continue  # another worker reported it
        reported += 1
    return reported
