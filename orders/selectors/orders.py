"""Order reads: the lists people work from, the dashboard's overdue orders and queue, and the order page."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import ngettext

from core.pagination import COUNT_CAP
from orders.filters import OrderFilter
from orders.models import HAND_KINDS, DeliveryEvent, Order, OrderEvent, Status, Task
from orders.selectors.access import managers_covering_user_shops, order_scope, shop_scope
from orders.selectors.followup import call_script_filled, ladder_length, task_list_open_for_order
from orders.selectors.matrix import status_by_code, status_steps_for


def orders_total_title(total: int | None) -> str:
    """A list's count of orders in words ("5 orders"; "more than 10000 orders" when it was not counted)."""
    if total is None:
        return ngettext("more than %(count)s order", "more than %(count)s orders", COUNT_CAP) % {
            "count": COUNT_CAP
        }
    return ngettext("%(count)s order", "%(count)s orders", total) % {"count": total}


def order_history(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("-created_at", "-pk")


def order_list(*, user: User, params: Mapping[str, Any], mine: bool) -> OrderFilter:
    """The filtered, sorted list a person works from, with what each row shows joined in."""
    open_tasks = Task.objects.filter(order=OuterRef("pk"), done_at__isnull=True)
    orders = (
        order_scope(user).select_related("shop", "customer", "manager").annotate(has_next_step=Exists(open_tasks))
    )
    if mine:
        orders = orders.filter(manager=user)
    return OrderFilter(
        params, queryset=orders, shops=shop_scope(user), managers=managers_covering_user_shops(user)
    )


def _open_orders_for_table(user: User) -> QuerySet[Order]:
    return order_scope(user).filter(is_final=False).select_related("shop", "customer", "manager")


def order_list_overdue(*, user: User, limit: int | None = 20) -> QuerySet[Order]:
    """Open overdue orders the user sees, longest overdue first."""
    return _open_orders_for_table(user).filter(is_overdue=True).order_by("overdue_since", "pk")[:limit]


def order_list_waiting(*, user: User, limit: int | None = 20) -> QuerySet[Order]:
    """Open orders with no manager (the unassigned queue) the user sees, longest waiting first."""
    return _open_orders_for_table(user).filter(manager__isnull=True).order_by("created_at", "pk")[:limit]


@dataclass
class OrderPage:
    """What the order page shows besides the order itself, read in a fixed number of queries."""

    statuses: dict[str, Status]
    next_statuses: list[Status]
    waiting_for_payment: list[tuple[Status, str]]
    history: list[OrderEvent]
    tasks: list[Task]
    call_script: list[tuple[str, str]]
    ladder_length: int
    deliveries: list[DeliveryEvent]

    @property
    def last_task(self) -> bool:
        """Closing the only open task asks for the next step."""
        return len(self.tasks) == 1


def order_page(*, order: Order, user: User) -> OrderPage:
    next_statuses, waiting_for_payment = status_steps_for(order=order, user=user)
    return OrderPage(
        statuses=status_by_code(),
        next_statuses=next_statuses,
        waiting_for_payment=waiting_for_payment,
        history=list(order_history(order=order)),
        tasks=list(task_list_open_for_order(order=order)),
        call_script=call_script_filled(order=order, user=user),
        ladder_length=ladder_length(),
        deliveries=list(order.delivery_events.order_by("at", "pk")),
    )


def order_staff_ids(*, order: Order) -> set[int]:
    """Everyone on the staff who worked on the order, read from its history: whoever acted on it (status
    changes, calls, notes, tasks, hand-overs) and whoever it was assigned to."""
    events = OrderEvent.objects.filter(order=order)
    acted = set(events.filter(actor__isnull=False).values_list("actor_id", flat=True))
    held = set(events.filter(kind__in=HAND_KINDS).values_list("manager_to", flat=True))
    return {pk for pk in acted | held | {order.manager_id} if pk is not None}


def order_completed_at(*, order: Order) -> datetime | None:
    """When the order last entered a complete status (None if it never did)."""
    complete = Status.objects.filter(group=Status.Group.COMPLETE).values_list("code", flat=True)
    entered = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.STATUS, status_to__in=list(complete))
    return entered.order_by("-created_at").values_list("created_at", flat=True).first()
