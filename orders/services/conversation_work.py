"""Staff working a conversation: the first reply (its clock stops and the conversation waits for the customer),
reading it, closing it with a reason, and linking the order made from it (which closes it: the customer's later
messages go to that order). Each change that a person makes is a history line with who and when."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.phrases import Phrase, label, phrase, text_columns
from orders import signals
from orders.exceptions import OrderError
from orders.models import Conversation, ConversationEvent, Order

State = Conversation.State
Reason = Conversation.CloseReason
# The reasons a person closes with; "an order was created" is the order's own (conversation_link_order).
CLOSE_REASONS = (Reason.ANSWERED, Reason.SPAM, Reason.NOT_CUSTOMER)


def conversation_event_add(
    *, conversation: Conversation, by: User | None, text: Phrase | str
) -> ConversationEvent:
    return ConversationEvent.objects.create(conversation=conversation, actor=by, **text_columns(text, 500))


def _locked(conversation: Conversation) -> Conversation:
    """The conversation's row, locked for the change (two people closing it at once: one wins, one is told)."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.is_closed:
        raise OrderError(gettext("This conversation is closed."))
    return locked


@transaction.atomic
def conversation_replied(
    *, conversation: Conversation, by: User | None, now: datetime | None = None
) -> Conversation:
    """Staff answered the customer: the first answer stops the first-reply clock (a history line says so); every
    answer leaves the conversation read and waiting for the customer."""
    now = now or timezone.now()
    locked = _locked(conversation)
    first = locked.first_replied_at is None
    if first:
        locked.first_replied_at = now
        conversation_event_add(
            conversation=locked, by=by, text=phrase(gettext_noop("First reply to the customer."))
        )
    locked.state, locked.unread = State.WAITING, False
    locked.save(update_fields=["first_replied_at", "state", "unread", "updated_at"])
    signals.conversation_answered.send(sender=Conversation, conversation=locked, by=by)
    return locked


@transaction.atomic
def conversation_read(*, conversation: Conversation, by: User) -> bool:
    """Its manager opened it: no longer unread. Only the manager reads it away (a supervisor looking on leaves it
    unread for them); True when it changed."""
    if conversation.manager_id != by.pk:
        return False
    changed = Conversation.objects.filter(pk=conversation.pk, manager=by, unread=True).update(
        unread=False, updated_at=timezone.now()
    )
    conversation.unread = conversation.unread and not changed
    return bool(changed)


@transaction.atomic
def conversation_close(
    *, conversation: Conversation, reason: str, by: User | None, now: datetime | None = None
) -> Conversation:
    """Close with a person's reason (answered, spam, not a customer); a history line names it."""
    if reason not in CLOSE_REASONS:
        raise OrderError(gettext("Choose why the conversation is closed."))
    return _close(_locked(conversation), reason=reason, by=by, now=now or timezone.now())


def _close(locked: Conversation, *, reason: str, by: User | None, now: datetime) -> Conversation:
    locked.state, locked.close_reason, locked.closed_at, locked.closed_by = State.CLOSED, reason, now, by
    locked.unread = False
    locked.save(update_fields=["state", "close_reason", "closed_at", "closed_by", "unread", "updated_at"])
    conversation_event_add(
        conversation=locked,
        by=by,
        text=phrase(gettext_noop("Closed: %(reason)s."), reason=label(Reason(reason).label)),
    )
    signals.conversation_closed.send(sender=Conversation, conversation=locked, by=by)
    return locked


@transaction.atomic
def conversation_link_order(
    *, conversation: Conversation, order: Order, by: User | None, now: datetime | None = None
) -> Conversation:
    """The order made from the conversation: linked, and the conversation closed (reason "an order was created");
    the customer's later messages go to the order, as any customer's with an open order do."""
    if order.customer_id != conversation.customer_id:
        raise OrderError(gettext("The order is another customer's."))
    locked = _locked(conversation)
    locked.order = order
    locked.save(update_fields=["order", "updated_at"])
    made = phrase(gettext_noop("Order %(number)s created from it."), number=order.number)
    conversation_event_add(conversation=locked, by=by, text=made)
    return _close(locked, reason=Reason.ORDER, by=by, now=now or timezone.now())
