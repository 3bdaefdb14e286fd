"""The acceptance clock: an order routing gave a manager who does not take it up in time goes to someone else."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from assignment import signals
from assignment.models import AssignmentDecision
from assignment.services.routing import order_route
from core.people import staff_name
from core.phrases import phrase
from orders.models import Order
from orders.services import order_take_back


def assignment_accept(*, order: Order, by: User | None) -> int:
    """The manager touched the order: its acceptance clock stops."""
    return AssignmentDecision.objects.filter(
        order=order, manager=by, accept_by__isnull=False, accepted_at__isnull=True, timed_out_at__isnull=True
    ).update(accepted_at=timezone.now())


def assignments_expire(*, now: datetime | None = None, batch: int = 100) -> int:
    """Orders their managers did not take up in time go back to routing, to someone else; the supervisors
    are told. One transaction per order, so a slow reroute holds no other row."""
    now = now or timezone.now()
    due = AssignmentDecision.objects.filter(
        accept_by__lte=now, accepted_at__isnull=True, timed_out_at__isnull=True
    ).order_by("accept_by")
    pairs = list(due.values_list("pk", "order_id")[:batch])
    return sum(_assignment_expire(decision_id=pk, order_id=order_id, now=now) for pk, order_id in pairs)


@transaction.atomic
def _assignment_expire(*, decision_id: int, order_id: int, now: datetime) -> bool:
    # The order first, then the decision: the order in which a status change or note touches them.
    order = (
        Order.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("customer", "shop")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return False  # someone is working on it right now; the next run looks again
    decision = (
        AssignmentDecision.objects.select_for_update(of=("self",))
        .select_related("manager")
        .filter(pk=decision_id, accepted_at__isnull=True, timed_out_at__isnull=True)
        .first()
    )
    if decision is None:
        return False  # taken up, or expired by another worker, meanwhile
    decision.timed_out_at = now
    decision.save(update_fields=["timed_out_at"])
    if order.manager_id != decision.manager_id or order.is_final:
        return False  # reassigned by hand or closed meanwhile: nothing to take back
    assert decision.accept_by is not None  # the sweep reads only decisions with a time to take up by
    minutes = round((decision.accept_by - decision.created_at).total_seconds() / 60)
    reason = phrase(
        gettext_noop("%(name)s did not take it up within %(minutes)s min"),
        name=staff_name(decision.manager),
        minutes=minutes,
    )
    order_take_back(order=order, reason=reason)
    rerouted = order_route(order_id=order.pk, now=now)
    signals.assignment_timed_out.send(
        sender=AssignmentDecision,
        order=order,
        manager=decision.manager,
        minutes=minutes,
        rerouted_to=rerouted.manager if rerouted else None,
    )
    return True
