from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet

from assignment.models import AssignmentDecision, ManagerProfile
from core.roles import MANAGER
from orders.history import ChangeOfHands
from orders.models import HAND_KINDS, TAKE_UP_KINDS, Conversation, Order, OrderEvent
from orders.selectors import order_list_waiting, shop_scope


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


def conversation_decision(*, conversation: Conversation) -> AssignmentDecision | None:
    """Why the conversation's manager has it: the latest decision, while it is still theirs (none after a
    supervisor's reassign, which is a line of the conversation's history)."""
    if conversation.manager_id is None:
        return None
    latest = conversation.assignment_decisions.order_by("-created_at", "-pk").first()
    return latest if latest is not None and latest.manager_id == conversation.manager_id else None


@dataclass(frozen=True)
class Waiting:
    """One entry of the queue: an order or a conversation waiting for a manager."""

    created_at: datetime
    order: Order | None = None
    conversation: Conversation | None = None


def queue_waiting(*, user: User, limit: int = 10) -> list[Waiting]:
    """The orders and conversations waiting for a manager that the user sees (conversations by the shops they are
    granted), longest waiting first: two queries, each on its queue index."""
    conversations = (
        Conversation.objects.filter(manager__isnull=True, shop__in=shop_scope(user))
        .exclude(state=Conversation.State.CLOSED)
        .select_related("customer", "shop")
        .order_by("created_at", "pk")[:limit]
    )
    entries = [Waiting(order.created_at, order=order) for order in order_list_waiting(user=user, limit=limit)]
    entries += [Waiting(c.created_at, conversation=c) for c in conversations]
    return sorted(entries, key=lambda entry: entry.created_at)[:limit]
