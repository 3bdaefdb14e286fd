"""Follow-up reads: open and overdue tasks, the filled-in call script, and the Next button's pick."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from core.people import staff_name
from orders.exceptions import TextDoesNotRender
from orders.models import CallOutcome, CallScript, NoAnswerStep, Order, OrderEvent, Status, Task
from orders.selectors.access import order_scope, shop_scope


def task_list_open(*, user: User, limit: int = 50) -> QuerySet[Task]:
    """A person's open tasks, soonest first (task_open_idx)."""
    return (
        Task.objects.filter(assignee=user, done_at__isnull=True)
        .select_related("order", "customer")
        .order_by("due_at", "pk")[:limit]
    )


def task_list_overdue_for_team(*, user: User, now: datetime, limit: int | None = 20) -> QuerySet[Task]:
    """Open tasks past due in the shops a supervisor sees, most overdue first."""
    return (
        Task.objects.filter(done_at__isnull=True, due_at__lt=now, customer__shop__in=shop_scope(user))
        .select_related("order", "customer", "assignee")
        .order_by("due_at", "pk")[:limit]
    )


def task_list_open_for_order(*, order: Order) -> QuerySet[Task]:
    return order.tasks.filter(done_at__isnull=True).select_related("assignee").order_by("due_at", "pk")


def task_get_for_user(*, user: User, pk: int) -> Task:
    """A task the user may close: theirs, or about an order they can see."""
    visible = Task.objects.filter(Q(assignee=user) | Q(order__in=order_scope(user)))
    try:
        return visible.select_related("order", "customer").get(pk=pk)
    except Task.DoesNotExist as exc:
        raise Http404("No such task") from exc


def call_script_filled(*, order: Order, user: User) -> list[tuple[str, str]]:
    """The shop's call script with this customer's, manager's and shop's names put in."""
    script = CallScript.objects.filter(shop_id=order.shop_id).first()
    if script is None:
        return []
    manager = {"name": staff_name(user), "first_name": user.first_name}
    try:
        return script.filled({"order": order, "customer": order.customer, "shop": order.shop, "manager": manager})
    except TextDoesNotRender as exc:  # saved before the rule: the manager is told, not shown a broken text
        return [("Script", str(exc))]


@dataclass
class NextThing:
    order: Order
    why: str


def order_next_for_manager(*, user: User, now: datetime) -> NextThing | None:
    """The most urgent thing for this manager (seed 001: the desk hands over the next client, no hunting): a call
    that is due, then their longest-overdue order, then their oldest new order nobody has worked on yet."""
    call = (
        Task.objects.filter(
            assignee=user, kind=Task.Kind.CALL, done_at__isnull=True, due_at__lte=now, order__isnull=False
        )
        .select_related("order")
        .order_by("due_at", "pk")
        .first()
    )
    if call is not None and call.order is not None:  # the filter reads only calls about an order
        return NextThing(call.order, gettext("Call due: %(task)s") % {"task": call.shown_text})
    mine = Order.objects.filter(manager=user, is_final=False)
    overdue = mine.filter(is_overdue=True).order_by("overdue_since", "pk").first()
    if overdue is not None:
        return NextThing(overdue, gettext("Overdue: its status time limit has run out"))
    worked_on = OrderEvent.objects.filter(
        order=OuterRef("pk"), kind__in=[OrderEvent.Kind.CALL, OrderEvent.Kind.NOTE, OrderEvent.Kind.TASK]
    )
    new_codes = Status.objects.filter(group=Status.Group.NEW).values("code")
    untouched = mine.filter(status__in=new_codes).exclude(Exists(worked_on)).order_by("created_at", "pk").first()
    if untouched is not None:
        return NextThing(untouched, gettext("New order nobody has called yet"))
    return None


def ladder_length() -> int:
    """Calls in a row that may miss before the desk gives up: one per ladder step, then the last one."""
    return NoAnswerStep.objects.filter(outcome=CallOutcome.NO_ANSWER).count() + 1
