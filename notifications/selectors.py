from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from notifications.models import (
    InboundAttachment,
    InboundMessage,
    MessageTemplate,
    MessagingSettings,
    Notification,
    OptOut,
    OutboundMessage,
)
from orders.models import Conversation, Customer, Order
from orders.selectors import conversation_scope, order_scope, shop_scope


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def conversation(
    *,
    order: Order | None = None,
    customer: Customer | None = None,
    thread: Conversation | None = None,
    limit: int = 100,
) -> list[OutboundMessage | InboundMessage]:
    """The messages sent to a customer and theirs back, about one order, or in one conversation (`thread`), or
    all of a customer's, newest first, as one timeline (an email's attachments with it); three queries whatever
    the history."""
    where: dict[str, object] = (
        {"order": order}
        if order is not None
        else {"conversation": thread}
        if thread is not None
        else {"customer": customer}
    )
    sent = list(
        OutboundMessage.objects.filter(**where)
        .select_related("author", "template", "customer__shop")
        .order_by("-created_at")[:limit]
    )
    received = list(
        InboundMessage.objects.filter(**where)
        .select_related("customer")
        .prefetch_related("attachments")
        .order_by("-received_at")[:limit]
    )
    timeline: list[OutboundMessage | InboundMessage] = [*sent, *received]
    return sorted(timeline, key=lambda message: message.at, reverse=True)[:limit]


def message_templates_for_staff() -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(is_active=True).order_by("channel", "name")


def opt_outs(*, customer: Customer) -> list[OptOut]:
    return list(OptOut.objects.filter(customer=customer).order_by("channel"))


DAILY_CAP_WINDOW = timedelta(days=1)


def _counted_today(customer: Customer, now: datetime) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(
        customer=customer, created_at__gte=now - DAILY_CAP_WINDOW, state__in=OutboundMessage.COUNTED_STATES
    ).exclude(purpose=OutboundMessage.Purpose.MANUAL)


def messages_counted_today(*, customer: Customer, now: datetime | None = None) -> int:
    """The messages that count towards the customer's daily cap: the automatic ones of the last 24 hours, sent or
    on their way. What staff write themselves is neither held back nor counted."""
    return _counted_today(customer, now or timezone.now()).count()


def daily_cap_frees_at(*, customer: Customer, now: datetime | None = None) -> datetime:
    """When the daily cap next lets an automatic message go to the customer: now, or the moment enough of the last
    24 hours' messages have left the window."""
    now = now or timezone.now()
    cap = MessagingSettings.load().daily_cap
    times = list(_counted_today(customer, now).order_by("created_at").values_list("created_at", flat=True))
    if len(times) < cap:
        return now
    # The window still holds a message created exactly 24 hours ago: the oldest must be past it.
    return times[len(times) - cap] + DAILY_CAP_WINDOW + timedelta(seconds=1)


def customer_messages_export(*, customer: Customer) -> list[dict[str, Any]]:
    """Every message to and from the customer, for their copy of their data."""
    sent = OutboundMessage.objects.filter(customer=customer).order_by("created_at")
    received = InboundMessage.objects.filter(customer=customer).order_by("received_at")
    return [
        {
            "at": m.created_at.isoformat(),
            "to_customer": True,
            "channel": m.channel,
            "text": m.body,
            "state": m.state,
        }
        for m in sent
    ] + [
        {"at": m.received_at.isoformat(), "to_customer": False, "channel": m.channel, "text": m.body}
        for m in received
    ]


def attachment_get_for_user(*, user: User, pk: int) -> InboundAttachment:
    """A kept attachment of a customer's message the user may see: about an order, one in their order scope; in a
    conversation, one in their conversation scope; else one of a customer of a shop they see, as the customer
    page. 404 for anyone else."""
    attachment = (
        InboundAttachment.objects.select_related("inbound__customer").filter(pk=pk).exclude(file="").first()
    )
    customer = attachment.inbound.customer if attachment is not None else None
    if attachment is None or customer is None:
        raise Http404("No such attachment")
    inbound = attachment.inbound
    if inbound.order_id is not None:
        allowed = order_scope(user).filter(pk=inbound.order_id).exists()
    elif inbound.conversation_id is not None:
        allowed = conversation_scope(user).filter(pk=inbound.conversation_id).exists()
    else:
        allowed = shop_scope(user).filter(pk=customer.shop_id).exists()
    if not allowed:
        raise Http404("No such attachment")
    return attachment
