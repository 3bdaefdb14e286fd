"""Whose order or conversation it is: routing's or a supervisor's hand-over, a take-back after a timeout. The work
goes with an order: the previous manager's open tasks on it, and the customer when they were the previous
manager's. A conversation's change of hands is a line of its history, as an order's."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.people import staff_name
from core.phrases import Phrase, listed, phrase, plural_noop, text_columns
from core.roles import MANAGER
from orders import history, signals
from orders.exceptions import OrderError, StaleOrder
from orders.models import (
    HAND_KINDS,
    AccessGrant,
    Conversation,
    ConversationEvent,
    Customer,
    Order,
    OrderEvent,
    Task,
)
from orders.models.access import shop_refusal
from orders.services.customers import customer_history_add
from orders.services.orders import order_event_add


def _last_holder_id(order: Order) -> int | None:
    """Who held the order before it went back to the queue (a timeout's take-back), if it did."""
    latest = order.events.filter(kind__in=HAND_KINDS).order_by("-created_at", "-pk")
    held = latest.values_list("manager_from", "manager_to").first()
    return held[0] if held is not None and held[1] is None else None


def _carry_work(order: Order, *, from_id: int, manager: User | None, by: User | None) -> list[Phrase]:
    """Move the previous holder's open tasks on this order, and the customer if theirs, to the new manager."""
    moved = []
    tasks = Task.objects.filter(order=order, assignee_id=from_id, done_at__isnull=True).update(assignee=manager)
    if tasks:
        moved.append(phrase(*plural_noop("%(count)s open task", "%(count)s open tasks"), count=tasks))
    customer = order.customer
    if customer.responsible_manager_id == from_id:
        _customer_hand(customer, manager=manager, by=by)
        moved.append(phrase(gettext_noop("the customer %(name)s"), name=customer.name))
    return moved


def _customer_hand(customer: Customer, *, manager: User | None, by: User | None) -> None:
    """The customer's responsible manager moves with their order (a hand-over, or routing taking it back): a line
    of the customer's history, as when it is set on their page."""
    before = {"responsible_manager": customer.responsible_manager}
    Customer.objects.filter(pk=customer.pk).update(responsible_manager=manager)
    customer.responsible_manager = manager
    customer_history_add(customer=customer, before=before, by=by)


@transaction.atomic(savepoint=False)  # inside a caller's transaction, a failure undoes the caller's work too
def order_set_manager(
    *,
    order: Order,
    manager: User | None,
    by: User | None = None,
    reason: Phrase | str = "",
    routed: history.Routed | None = None,
    never_held: bool = False,
) -> Order:
    """Give the order a responsible manager (routing, with its `routed` part, or by hand) and say why in the
    history. The customer gets the same manager as responsible on their first assignment; on a hand-over the
    previous holder's work on the order goes with it, and the history says what moved. `never_held`: the caller
    knows nobody held the order before (it was created in this transaction), so there is no earlier holder to
    look up; the update then claims the row only while it has no manager, and StaleOrder says an earlier step
    already gave it to someone."""
    previous = order.manager
    rows = Order.objects.filter(pk=order.pk)
    if never_held:  # the row lock the update takes re-checks it: never assigned twice, never written over
        rows = rows.filter(manager__isnull=True)
    if not rows.update(manager=manager, updated_at=timezone.now()) and never_held:
        raise StaleOrder(
            gettext("Order %(number)s already has a manager: it was not routed a second time.")
            % {"number": order.number}
        )
    order.manager = manager
    moved = []
    if manager is not None:
        from_id = previous.pk if previous is not None else None if never_held else _last_holder_id(order)
        if from_id is not None and from_id != manager.pk:
            moved = _carry_work(order, from_id=from_id, manager=manager, by=by)
        if order.customer.responsible_manager_id is None:
            Customer.objects.filter(pk=order.customer_id, responsible_manager__isnull=True).update(
                responsible_manager=manager
            )
            order.customer.responsible_manager = manager
    kind = OrderEvent.Kind.ASSIGNMENT if previous is None else OrderEvent.Kind.MANAGER
    order_event_add(
        order=order,
        kind=kind,
        actor=by,
        text=_hands_line(previous, manager, reason, moved),
        details=history.ChangeOfHands(
            manager_from_id=previous.pk if previous else None,
            manager_to_id=manager.pk if manager else None,
            routed=routed,
        ),
    )
    signals.order_manager_changed.send(
        sender=Order,
        order=order,
        previous=previous,
        manager=manager,
        by=by,
        reason=reason,
        accept_by=routed.accept_by if routed else None,
    )
    return order


def _hands_line(previous: User | None, manager: User | None, reason: Phrase | str, moved: list[Phrase]) -> Phrase:
    """The history line of a change of hands: to whom (from whom), why, and the work that moved with it."""
    name = staff_name(manager) if manager is not None else phrase(gettext_noop("nobody"))
    if previous is None:
        line = (
            phrase(gettext_noop("Assigned to %(name)s: %(reason)s"), name=name, reason=reason)
            if reason
            else phrase(gettext_noop("Assigned to %(name)s"), name=name)
        )
    else:
        said: dict[str, Phrase | str] = {"previous": staff_name(previous), "name": name}
        line = (
            phrase(
                gettext_noop("Manager changed from %(previous)s to %(name)s: %(reason)s"), reason=reason, **said
            )
            if reason
            else phrase(gettext_noop("Manager changed from %(previous)s to %(name)s"), **said)
        )
    if moved:
        return phrase(
            gettext_noop("%(line)s. Moved to %(name)s: %(moved)s."), line=line, name=name, moved=listed(moved)
        )
    return line if reason else phrase(gettext_noop("%(line)s."), line=line)


@transaction.atomic
def order_take_back(*, order: Order, reason: Phrase | str) -> Order:
    """Take an order back from a manager who never worked on it, so routing can give it to someone else. If
    this order is all that made them the customer's responsible manager, the customer is released too: their
    next order must not wait for someone who never served them. A closed order keeps its manager: its
    history, credits and KPIs are theirs."""
    if order.is_final:
        raise OrderError(gettext("Order %(number)s is closed: it keeps its manager.") % {"number": order.number})
    previous_id = order.manager_id
    customer = order.customer
    served_before = Order.objects.filter(customer=customer, manager_id=previous_id).exclude(pk=order.pk).exists()
    if customer.responsible_manager_id == previous_id and not served_before:
        _customer_hand(customer, manager=None, by=None)
    return order_set_manager(order=order, manager=None, reason=reason)


def _refusals(manager: User, refusals: Callable[[AccessGrant | None], list[str]]) -> list[str]:
    """What this manager may not be handed, each with why: nothing when they are not an active manager, else
    what `refusals` finds under their grant (None: no grant, everything). Reads the role and grant once."""
    if not manager.is_active or not manager.groups.filter(name=MANAGER).exists():
        return [gettext("%(name)s is not an active manager") % {"name": staff_name(manager)}]
    return refusals(AccessGrant.objects.filter(user=manager).prefetch_related("shops").first())


def _order_refusals(orders: list[Order]) -> Callable[[AccessGrant | None], list[str]]:
    """Each order a grant does not cover, or closed."""

    def refused(grant: AccessGrant | None) -> list[str]:
        found = []
        for order in orders:
            why = gettext("closed") if order.is_final else (grant.refusal_for(order) if grant is not None else "")
            if why:
                found.append(f"{order.number}: {why}")
        return found

    return refused


@transaction.atomic
def orders_reassign(*, orders: list[Order], manager: User, by: User | None, reason: Phrase | str = "") -> int:
    """A supervisor hands orders (one or many) to a manager. All or nothing: if the manager may not take one
    of them, none moves and the error names each refused order."""
    refused = _refusals(manager, _order_refusals(orders))
    if refused:
        raise OrderError(
            gettext("Nothing was reassigned to %(name)s (%(refused)s).")
            % {"name": staff_name(manager), "refused": "; ".join(refused)}
        )
    moved = 0
    for order in orders:
        if order.manager_id != manager.pk:
            order_set_manager(order=order, manager=manager, by=by, reason=reason)
            moved += 1
    return moved


def _conversation_released(conversation: Conversation, previous_id: int | None) -> None:
    """A conversation taken back from a manager who never worked on it: if it is all that made them the
    customer's responsible manager, the customer is released too, as an order's take-back does."""
    customer = conversation.customer
    if previous_id is None or customer.responsible_manager_id != previous_id:
        return
    held_before = (
        Order.objects.filter(customer=customer, manager_id=previous_id).exists()
        or Conversation.objects.filter(customer=customer, manager_id=previous_id)
        .exclude(pk=conversation.pk)
        .exists()
    )
    if not held_before:
        _customer_hand(customer, manager=None, by=None)


@transaction.atomic(savepoint=False)  # inside a caller's transaction, a failure undoes the caller's work too
def conversation_set_manager(
    *,
    conversation: Conversation,
    manager: User | None,
    by: User | None = None,
    reason: Phrase | str = "",
    never_held: bool = False,
) -> Conversation:
    """Give the conversation a responsible manager (routing, a supervisor, "Take it") or none (a take-back), with a
    line of its history saying why. The customer gets the same manager as responsible when they have none.
    `never_held`: created in this transaction; the update then claims the row only while it has no manager, and
    an OrderError says an earlier step already gave it to someone."""
    previous = conversation.manager
    rows = Conversation.objects.filter(pk=conversation.pk)
    if never_held:  # the row lock the update takes re-checks it: never assigned twice, never written over
        rows = rows.filter(manager__isnull=True)
    if not rows.update(manager=manager, updated_at=timezone.now()) and never_held:
        raise OrderError(
            gettext("Conversation %(number)s already has a manager: it was not routed a second time.")
            % {"number": conversation.pk}
        )
    conversation.manager = manager
    if manager is not None and conversation.customer.responsible_manager_id is None:
        Customer.objects.filter(pk=conversation.customer_id, responsible_manager__isnull=True).update(
            responsible_manager=manager
        )
        conversation.customer.responsible_manager = manager
    ConversationEvent.objects.create(
        conversation=conversation, actor=by, **text_columns(_hands_line(previous, manager, reason, []), 500)
    )
    signals.conversation_manager_changed.send(
        sender=Conversation, conversation=conversation, previous=previous, manager=manager, by=by, reason=reason
    )
    return conversation


@transaction.atomic
def conversation_take_back(*, conversation: Conversation, reason: Phrase | str) -> Conversation:
    """Take a conversation back from a manager who did not take it up, so routing can give it to someone else (and
    the customer with it, when only this conversation made them that manager's). A closed one keeps its manager."""
    if conversation.is_closed:
        raise OrderError(
            gettext("Conversation %(number)s is closed: it keeps its manager.") % {"number": conversation.pk}
        )
    _conversation_released(conversation, conversation.manager_id)
    return conversation_set_manager(conversation=conversation, manager=None, reason=reason)


def _conversation_refusals(conversations: list[Conversation]) -> Callable[[AccessGrant | None], list[str]]:
    """Each conversation a grant's shops do not cover, or closed."""

    def refused(grant: AccessGrant | None) -> list[str]:
        found = []
        for conversation in conversations:
            granted = grant.granted()["shop_ids"] if grant is not None else None
            why = gettext("closed") if conversation.is_closed else shop_refusal(conversation, shop_ids=granted)
            if why:
                found.append(f"#{conversation.pk}: {why}")
        return found

    return refused


@transaction.atomic
def conversations_reassign(
    *, conversations: list[Conversation], manager: User, by: User | None, reason: Phrase | str = ""
) -> int:
    """A supervisor hands conversations (one or many) to a manager, as orders: all or nothing, the error naming
    each refused conversation (closed, or a shop the manager is not granted)."""
    refused = _refusals(manager, _conversation_refusals(conversations))
    if refused:
        raise OrderError(
            gettext("Nothing was reassigned to %(name)s (%(refused)s).")
            % {"name": staff_name(manager), "refused": "; ".join(refused)}
        )
    moved = 0
    for conversation in conversations:
        if conversation.manager_id != manager.pk:
            conversation_set_manager(conversation=conversation, manager=manager, by=by, reason=reason)
            moved += 1
    return moved
