"""The acceptance clock: an order or conversation routing gave a manager who does not take it up in time goes to
someone else."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from assignment import signals
from assignment.models import AssignmentDecision
from assignment.routing.routables import Routable, RoutedConversation, RoutedOrder
from assignment.services.routing import route
from core.people import staff_name
from core.phrases import phrase
from orders.models import Conversation, Order


def assignment_accept(
    *, order: Order | None = None, conversation: Conversation | None = None, by: User | None
) -> int:
    """The manager touched the order, or answered the conversation: its acceptance clock stops."""
    named = {"order": order} if order is not None else {"conversation": conversation}
    return AssignmentDecision.objects.filter(
        **named, manager=by, accept_by__isnull=False, accepted_at__isnull=True, timed_out_at__isnull=True
    ).update(accepted_at=timezone.now())


def assignments_expire(*, now: datetime | None = None, batch: int = 100) -> int:
    """Orders and conversations their managers did not take up in time go back to routing, to someone else; for
    an order the supervisors are told. One transaction per item, so a slow reroute holds no other row."""
    now = now or timezone.now()
    due = AssignmentDecision.objects.filter(
        accept_by__lte=now, accepted_at__isnull=True, timed_out_at__isnull=True
    ).order_by("accept_by")
    rows = list(due.values_list("pk", "order_id", "conversation_id")[:batch])
    return sum(
        _assignment_expire(decision_id=pk, order_id=order_id, conversation_id=conversation_id, now=now)
        for pk, order_id, conversation_id in rows
    )


@transaction.atomic
def _assignment_expire(
    *, decision_id: int, order_id: int | None, conversation_id: int | None, now: datetime
) -> bool:
    # The order (or conversation) first, then the decision: the order in which a status change or note touches
    # them.
    routed: Routable | None
    if order_id is not None:
        routed = RoutedOrder.locked(order_id, skip_locked=True, waiting=False)
    else:
        assert conversation_id is not None  # a decision names one or the other (a check constraint)
        routed = RoutedConversation.locked(conversation_id, skip_locked=True, waiting=False)
    if routed is None:
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
    if routed.manager_id != decision.manager_id or routed.closed:
        return False  # reassigned by hand or closed meanwhile: nothing to take back
    assert decision.accept_by is not None  # the sweep reads only decisions with a time to take up by
    minutes = round((decision.accept_by - decision.created_at).total_seconds() / 60)
    reason = phrase(
        gettext_noop("%(name)s did not take it up within %(minutes)s min"),
        name=staff_name(decision.manager),
        minutes=minutes,
    )
    routed.take_back(reason=reason)
    rerouted = route(routed, now=now, fresh=False, team=None)
    if isinstance(routed, RoutedOrder):  # the supervisors' bell speaks of orders
        signals.assignment_timed_out.send(
            sender=AssignmentDecision,
            order=routed.item,
            manager=decision.manager,
            minutes=minutes,
            rerouted_to=rerouted.manager if rerouted else None,
        )
    return True
