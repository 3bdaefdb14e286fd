"""Reads of the status matrix: the statuses by code, and the steps a person may take from an order's status."""

from django.contrib.auth.models import User

from core.roles import ORDER_WORKERS
from orders.models import Order, Status, StatusTransition


def status_by_code() -> dict[str, Status]:
    return {status.code: status for status in Status.objects.all()}


def status_name(code: str, statuses: dict[str, Status] | None = None) -> str:
    """A status as people read it ("Approval"), from the statuses already read or one query; the code if gone."""
    if statuses is None:
        statuses = {status.code: status for status in Status.objects.filter(code=code)}
    status = statuses.get(code)
    return status.name if status is not None else code


def status_is_complete(code: str) -> bool:
    """The status is one of the "complete" group (the order was fulfilled, not cancelled or lost)."""
    return Status.objects.filter(code=code, group=Status.Group.COMPLETE).exists()


def status_calls_on_entry(code: str) -> bool:
    """Seed 004: entering this status calls the customer (a call task first in the manager's Next; auto-dial)."""
    return Status.objects.filter(code=code, call_on_entry=True).exists()


def _steps_for(order: Order, user: User) -> list[StatusTransition]:
    """The steps of the matrix from the order's status this user's role may take (one query, rules with them)."""
    steps = list(
        StatusTransition.objects.filter(source__code=order.status)
        .select_related("target")
        .prefetch_related("groups", "payment_rules")
        .order_by("target__position")
    )
    if user.is_superuser:
        return steps
    user_groups = dict(user.groups.values_list("pk", "name"))
    workers = bool(set(user_groups.values()) & set(ORDER_WORKERS))
    return [
        step
        for step in steps
        if ((allowed := {group.pk for group in step.groups.all()}) and allowed & user_groups.keys())
        or (not allowed and workers)
    ]


def status_steps_for(*, order: Order, user: User) -> tuple[list[Status], list[tuple[Status, str]]]:
    """The statuses this user may move the order to now, exactly as the matrix allows; and those the step's
    prepayment rule holds back until the order is paid, each with why ("Waiting for payment: 0 ₽ of 40 000 ₽
    paid …")."""
    offered, waiting = [], []
    for step in _steps_for(order, user):
        if why := step.payment_wait(order):
            waiting.append((step.target, why))
        else:
            offered.append(step.target)
    return offered, waiting


def status_next_for(*, order: Order, user: User) -> list[Status]:
    """The statuses this user may move the order to now (`status_steps_for`)."""
    return status_steps_for(order=order, user=user)[0]
