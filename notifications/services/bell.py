"""The staff bell: create notifications and mark them read."""

from collections.abc import Callable, Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from orders.models import Order
from orders.selectors import supervisors_covering_shop


def notification_create(*, recipient: User, kind: str, text: str, link: str = "") -> Notification:
    notification = Notification(recipient=recipient, kind=kind, text=text[:500], link=link)
    notification.full_clean(exclude=["recipient"])  # the recipient is a user the caller holds
    notification.save()
    return notification


def notifications_create_many(*, kind: str, messages: Iterable[tuple[int, str, str]]) -> int:
    """(recipient id, text, link) triples, each distinct one once, in a single insert."""
    unique = dict.fromkeys((recipient_id, text[:500], link) for recipient_id, text, link in messages)
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, kind=kind, text=text, link=link) for pk, text, link in unique]
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


def notifications_about_orders(
    orders: Iterable[Order],
    *,
    kind: str,
    text_for: Callable[[Order], str],
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
