"""Status clocks: one starts when an order enters a status; the sweep flags and escalates orders whose clock
ran out."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.phrases import Phrase, phrase, text_columns
from orders import signals
from orders.clock import working_deadline
from orders.models import DeskSettings, Order, OrderEvent, Shop, Status, Task
from orders.selectors.matrix import status_by_code, status_name

CLOCK_FIELDS = ["is_final", "status_entered_at", "deadline", "is_overdue", "overdue_since", "escalated_at"]


def status_deadline(status: Status, shop: Shop, entered_at: datetime) -> datetime | None:
    """When an order that entered this status at `entered_at` is due, in the shop's working time; None for a
    final status or one with no time limit."""
    if status.is_final or not status.time_limit:
        return None
    return working_deadline(shop, entered_at, status.time_limit)


def clock_start(order: Order, status: Status, now: datetime) -> None:
    order.is_final = status.is_final
    order.status_entered_at = now
    order.deadline = status_deadline(status, order.shop, now)
    order.is_overdue = False
    order.overdue_since = None
    order.escalated_at = None


def _sweep(
    candidates: QuerySet[Order],
    *,
    order_by: str,
    batch: int,
    changes: dict[str, Any],
    kind: str,
    text_for: Callable[[Order, dict[str, Status]], Phrase],
    signal: Signal,
) -> int:
    """Claim a batch of due orders (skipping rows another sweeper holds), apply `changes`, write one history
    event each, and announce them; the candidates' filter excludes already-handled rows, so reruns do nothing."""
    with transaction.atomic():
        orders = list(candidates.select_for_update(skip_locked=True).order_by(order_by)[:batch])
        if not orders:
            return 0
        Order.objects.filter(pk__in=[order.pk for order in orders]).update(**changes)
        statuses = status_by_code()
        OrderEvent.objects.bulk_create(
            [
                OrderEvent(order=order, kind=kind, **text_columns(text_for(order, statuses), 500))
                for order in orders
            ]
        )
        for order in orders:
            for field, value in changes.items():
                setattr(order, field, value)
        signal.send(sender=Order, orders=orders)
    return len(orders)


def orders_flag_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Flag open orders whose status clock has run out. Reads only due rows (partial index on deadline)."""
    now = now or timezone.now()
    return _sweep(
        Order.objects.filter(deadline__lte=now, is_overdue=False, is_final=False),
        order_by="deadline",
        batch=batch,
        changes={"is_overdue": True, "overdue_since": now},
        kind=OrderEvent.Kind.OVERDUE,
        text_for=_overdue_text,
        signal=signals.orders_overdue,
    )


def _overdue_text(order: Order, statuses: dict[str, Status]) -> Phrase:
    assert order.deadline is not None  # the sweep reads only orders whose deadline has passed
    return phrase(
        gettext_noop("Overdue: the %(status)s time limit ran out at %(at)s."),
        status=status_name(order.status, statuses),
        at=order.deadline,
    )


def orders_escalate_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Alert supervisors about orders still overdue after the grace period, once per overdue spell."""
    now = now or timezone.now()
    grace = DeskSettings.load().escalation_grace
    minutes = int(grace.total_seconds() // 60)
    return _sweep(
        Order.objects.filter(
            is_overdue=True, escalated_at__isnull=True, is_final=False, overdue_since__lte=now - grace
        ),
        order_by="overdue_since",
        batch=batch,
        changes={"escalated_at": now},
        kind=OrderEvent.Kind.ESCALATION,
        text_for=lambda order, statuses: phrase(
            gettext_noop("Escalated to supervisors: overdue for more than %(minutes)s min."), minutes=minutes
        ),
        signal=signals.orders_escalated,
    )


def status_clocks_rederive(*, status: Status, now: datetime | None = None, batch: int = 500) -> int:
    """After the admin changes a status's time limit or finality, its open orders follow: each deadline is counted
    again from when the order entered the status (in its shop's hours); an order whose new deadline is still
    ahead is no longer overdue; a status made final closes its orders' clocks. One transaction per batch."""
    now = now or timezone.now()
    fields = ["is_final", "deadline", "is_overdue", "overdue_since", "escalated_at"]
    open_orders = Order.objects.filter(status=status.code, is_final=False).select_related("shop").order_by("pk")
    last_pk, changed = 0, 0
    while chunk := list(open_orders.filter(pk__gt=last_pk)[:batch]):
        for order in chunk:
            order.is_final = status.is_final
            order.deadline = status_deadline(status, order.shop, order.status_entered_at)
            if order.deadline is None or order.deadline > now:
                order.is_overdue, order.overdue_since, order.escalated_at = False, None, None
        with transaction.atomic():
            Order.objects.bulk_update(chunk, fields)
            if status.is_final:  # a closed order has no next step to take
                Task.objects.filter(order__in=chunk, done_at__isnull=True).update(done_at=now)
        last_pk, changed = chunk[-1].pk, changed + len(chunk)
    return changed
