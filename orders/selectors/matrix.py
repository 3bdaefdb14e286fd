"""Reads of the status matrix: the statuses by code, and the steps a person may take from an order's status."""

from django.contrib.auth.models import User

from orders.models import Order, Status, StatusTransition
from orders.roles import ORDER_WORKERS


def status_by_code() -> dict[str, Status]:
    return {status.code: status for status in Status.objects.all()}


def status_name(code: str, statuses: dict[str, Status] | None = None) -> str:
    """A status as people read it ("Approval"), from the statuses already read or one query; the code if gone."""
    if statuses is None:
        statuses = {status.code: status for status in Status.objects.filter(code=code)}
    status = statuses.get(code)
    return status.name if status is not None else code


def status_next_for(*, order: Order, user: User) -> list[Status]:
    """The statuses this user may move the order to, exactly as the matrix allows."""
    steps = (
        StatusTransition.objects.filter(source__code=order.status)
        .select_related("target")
        .prefetch_related("groups")
        .order_by("target__position")
    )
    if user.is_superuser:
        return [step.target for step in steps]
    user_groups = dict(user.groups.values_list("pk", "name"))
    workers = bool(set(user_groups.values()) & set(ORDER_WORKERS))
    return [
        step.target
        for step in steps
        if ((allowed := {group.pk for group in step.groups.all()}) and allowed & user_groups.keys())
        or (not allowed and workers)
    ]
