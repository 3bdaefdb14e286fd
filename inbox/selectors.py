"""The inbox's reads: a page of open conversations with each one's latest message, in a constant number of
queries however many there are."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from notifications.models import InboundMessage, OutboundMessage
from orders.models import Conversation
from orders.selectors import conversation_scope

EXCERPT = 120


def reply_overdue(now: datetime) -> Q:
    """Not yet answered and past its first-reply clock."""
    return Q(first_replied_at__isnull=True, first_reply_due_at__lte=now) & ~Q(state=Conversation.State.CLOSED)


def inbox_conversations(
    *, user: User, now: datetime, mine: bool, manager: User | None = None, overdue: bool = False
) -> QuerySet[Conversation]:
    """Open conversations in the user's scope, unread first, then by their latest message: the user's own
    (`mine`), or all of them, for one manager and/or only those whose first reply is overdue. Each carries its
    latest message either way (`last_in_*`, `last_out_*`) and whether its first reply is overdue."""
    rows = conversation_scope(user).exclude(state=Conversation.State.CLOSED)
    if mine:
        rows = rows.filter(manager=user)
    if manager is not None:
        rows = rows.filter(manager=manager)
    if overdue:
        rows = rows.filter(reply_overdue(now))
    last_in = InboundMessage.objects.filter(conversation=OuterRef("pk")).order_by("-received_at", "-pk")
    last_out = OutboundMessage.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        rows.select_related("customer", "shop", "manager")
        .annotate(
            last_in_body=Subquery(last_in.values("body")[:1]),
            last_in_at=Subquery(last_in.values("received_at")[:1]),
            last_out_body=Subquery(last_out.values("body")[:1]),
            last_out_at=Subquery(last_out.values("created_at")[:1]),
            is_reply_overdue=ExpressionWrapper(reply_overdue(now), output_field=BooleanField()),
        )
        .order_by("-unread", "-last_message_at", "-pk")
    )


@dataclass(frozen=True)
class Latest:
    """A conversation's latest message as a row shows it: an excerpt, when, and whether the customer wrote it."""

    text: str
    at: datetime | None
    inbound: bool


def latest_message(conversation: Conversation) -> Latest:
    """The latest of the row's annotated inbound and outbound messages (`inbox_conversations`)."""
    in_at, out_at = getattr(conversation, "last_in_at", None), getattr(conversation, "last_out_at", None)
    inbound = out_at is None or (in_at is not None and in_at >= out_at)
    body = (conversation.last_in_body if inbound else conversation.last_out_body) or ""  # type: ignore[attr-defined]
    text = body if len(body) <= EXCERPT else body[: EXCERPT - 1].rstrip() + "…"
    return Latest(text=text, at=in_at if inbound else out_at, inbound=inbound)
