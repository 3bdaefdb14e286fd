from datetime import datetime

from django.db.models import QuerySet

from assignment.models import AssignmentDecision, ManagerProfile
from core.roles import MANAGER
from orders.history import ChangeOfHands
from orders.models import HAND_KINDS, TAKE_UP_KINDS, Order, OrderEvent


def team_profiles() -> QuerySet[ManagerProfile]:
    """Profiles of active members of the Manager group: the people routing and the team view consider."""
    return ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER).select_related("user")


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
