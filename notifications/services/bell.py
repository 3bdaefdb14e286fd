"""The staff bell: create notifications and mark them read."""

from collections.abc import Callable, Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.people import staff_name
from core.phrases import Phrase, joined, label, phrase, text_columns
from notifications.models import Notification
from orders.models import Conversation, Order
from orders.selectors import supervisors_covering_shop


def notification_create(*, recipient: User, kind: str, text: Phrase | str, link: str = "") -> Notification:
    """One notification; the desk's own sentences are phrases, said in the recipient's language (core.phrases)."""
    notification = Notification(recipient=recipient, kind=kind, link=link, **text_columns(text, 500))
    notification.full_clean(exclude=["recipient"])  # the recipient is a user the caller holds
    notification.save()
    return notification


def notifications_create_many(*, kind: str, messages: Iterable[tuple[int, Phrase | str, str]]) -> int:
    """(recipient id, text, link) triples, each distinct one once, in a single insert."""
    unique: dict[tuple[int, str, str], dict[str, object]] = {}
    for recipient_id, text, link in messages:
        columns = text_columns(text, 500)
        unique.setdefault((recipient_id, str(columns["text"]), link), columns)
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, link=link, **columns)
            for (pk, _, link), columns in unique.items()
        ]
    )
    return len(unique)


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_read(*, recipient: User, kind: str, link: str) -> int:
    """Mark read what no longer needs the person (e.g. "this order is yours" once it is someone else's)."""
    unread = Notification.objects.filter(recipient=recipient, kind=kind, link=link, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


def order_link(order: Order) -> str:
    return reverse("orders:detail", args=[order.pk])


def conversation_link(conversation: Conversation) -> str:
    """Where a bell line about a conversation leads: its page in the inbox."""
    return reverse("inbox:detail", args=[conversation.pk])


def notifications_about_orders(
    orders: Iterable[Order],
    *,
    kind: str,
    text_for: Callable[[Order], Phrase | str],
    to_manager: bool,
    and_supervisors: bool = False,
) -> int:
    """Tell each order's manager (or, with no manager or when escalating, the shop's supervisors; with
    `and_supervisors`, both)."""
    supervisors_by_shop: dict[int, list[int]] = {}
    messages = []
    for order in orders:
        recipient_ids = [order.manager_id] if to_manager and order.manager_id else []
        if not recipient_ids or and_supervisors:
            if order.shop_id not in supervisors_by_shop:
                supervisors = supervisors_covering_shop(shop_id=order.shop_id)
                supervisors_by_shop[order.shop_id] = list(supervisors.values_list("pk", flat=True))
            recipient_ids += supervisors_by_shop[order.shop_id]
        messages += [(pk, text_for(order), order_link(order)) for pk in recipient_ids]
    return notifications_create_many(kind=kind, messages=messages)


def assignment_timeout_announce(*, order: Order, manager: User, minutes: int, rerouted_to: User | None) -> int:
    """Supervisors hear that a manager let an order routing gave them time out, and where it went."""
    if rerouted_to is None:
        where = phrase(gettext_noop("nobody is free to take it, so it waits in the queue"))
    elif rerouted_to == manager:
        where = phrase(gettext_noop("nobody else free could take it, so it went back to them"))
    else:
        where = phrase(gettext_noop("it went to %(manager)s"), manager=staff_name(rerouted_to))
    text = phrase(
        gettext_noop("%(manager)s did not take up order %(number)s in %(minutes)s min; %(where)s."),
        manager=staff_name(manager),
        number=order.number,
        minutes=minutes,
        where=where,
    )
    return notifications_about_orders(
        [order], kind=Notification.Kind.TIMEOUT, text_for=lambda order: text, to_manager=False
    )


def queue_wait_announce(*, order: Order, minutes: int, why: dict[str, str]) -> int:
    """Supervisors hear of an order that has waited in the queue past the alert time, and why nobody took it."""
    # Each reason is routing's words, said in the reader's language when the catalogue has them.
    reasons = [
        phrase(gettext_noop("%(name)s: %(reason)s"), name=name, reason=label(reason))
        for name, reason in why.items()
    ]
    text = phrase(
        gettext_noop(
            "Order %(number)s has waited %(minutes)s min in the queue: no manager can take it (%(reasons)s)."
        ),
        number=order.number,
        minutes=minutes,
        reasons=joined(reasons, "; ") if reasons else phrase(gettext_noop("no managers cover this shop")),
    )
    return notifications_about_orders(
        [order],
        kind=Notification.Kind.ESCALATION,
        text_for=lambda order: text,
        to_manager=False,
    )
