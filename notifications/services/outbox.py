"""The outbox: a customer message is a row written in the transaction that caused it, checked against the
limits that protect the customer, held through their night, and sent after commit by a worker that claims it
(two workers never send one row), retried with backoff, failed loudly when it cannot go."""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django_q.tasks import async_task

from notifications import channels, signals
from notifications.exceptions import ChannelError, MessageRefused
from notifications.models import (
    Channel,
    InboundAttachment,
    InboundMessage,
    MessageTemplate,
    MessagingSettings,
    Notification,
    OptOut,
    OutboundMessage,
    TriggerFiring,
)
from notifications.rendering import Rendered
from notifications.selectors import messages_counted_today
from notifications.services.bell import notifications_about_orders
from notifications.services.templates import customer_render
from orders.clock import desk_time, outside_night
from orders.durations import duration_label
from orders.models import Conversation, Customer, Order
from orders.services import conversation_replied, order_record_message

log = logging.getLogger(__name__)
State = OutboundMessage.State
Purpose = OutboundMessage.Purpose
DUPLICATE_WINDOW = timedelta(hours=1)
WHATSAPP_WINDOW = timedelta(hours=24)
# A send that has not come back in this long died with its worker: the row goes out again.
STALLED_SEND = timedelta(minutes=10)


def _skip_reason(
    *,
    customer: Customer,
    order: Order | None,
    channel: str,
    template: MessageTemplate | None,
    purpose: str,
    now: datetime,
) -> str:
    if OptOut.objects.filter(customer=customer, channel=channel).exists():
        return gettext("The customer switched %(channel)s off (STOP).") % {"channel": Channel(channel).label}
    if purpose == Purpose.MANUAL:
        return ""  # a person writing decides for themselves; the limits guard what the desk sends on its own
    if template is not None and order is not None:
        recent = OutboundMessage.objects.filter(
            order=order,
            template=template,
            created_at__gte=now - DUPLICATE_WINDOW,
            state__in=OutboundMessage.COUNTED_STATES,
        )
        if recent.exists():
            return gettext("The same message went to this order less than %(window)s ago.") % {
                "window": duration_label(DUPLICATE_WINDOW)
            }
    cap = MessagingSettings.load().daily_cap
    sent_today = messages_counted_today(customer=customer, now=now)
    if sent_today >= cap:
        return ngettext(
            "The customer already has %(count)s automatic message in the last 24 hours (the cap is %(cap)s).",
            "The customer already has %(count)s automatic messages in the last 24 hours (the cap is %(cap)s).",
            sent_today,
        ) % {"count": sent_today, "cap": cap}
    return ""


def message_queue(
    *,
    customer: Customer,
    channel: str,
    purpose: str,
    order: Order | None = None,
    conversation: Conversation | None = None,
    template: MessageTemplate | None = None,
    subject: str = "",
    body: str = "",
    content_sid: str = "",
    content_variables: dict[str, Any] | None = None,
    author: User | None = None,
    firing: TriggerFiring | None = None,
    now: datetime | None = None,
) -> OutboundMessage:
    """Write one message to the outbox in the caller's transaction; it is sent after commit. A message the
    limits stop (STOP, the daily cap, a duplicate within the hour) is kept as "not sent", with why."""
    now = now or timezone.now()
    with transaction.atomic():
        # The customer's row lock makes the daily cap hold when two triggers fire for them at once.
        customer = Customer.objects.select_for_update().select_related("shop").get(pk=customer.pk)
        reason, content_variables = "", content_variables or {}
        if template is not None:
            try:
                rendered = customer_render(template, order=order, customer=customer, now=now)
                subject, body, content_variables = rendered.subject, rendered.body, rendered.content_variables
            except MessageRefused as exc:  # an order's data the template cannot show must not stop the order
                reason = str(exc)
        message = OutboundMessage(
            customer=customer,
            order=order,
            conversation=conversation,
            channel=channel,
            purpose=purpose,
            to=channels.address(channel, customer),
            subject=subject,
            body=body.strip(),
            content_sid=template.content_sid if template is not None else content_sid,
            content_variables=content_variables,
            template=template,
            firing=firing,
            author=author,
        )
        if not message.to:
            reason = reason or (
                gettext("The customer has no email.")
                if channel == Channel.EMAIL
                else gettext("The customer has no phone.")
            )
        reason = reason or _skip_reason(
            customer=customer, order=order, channel=channel, template=template, purpose=purpose, now=now
        )
        if reason:
            message.state, message.last_error = State.SKIPPED, reason[:500]
        else:
            # Quiet hours: nothing arrives in the customer's night, except an answer to what they just did.
            answering = purpose in (Purpose.OFF_HOURS, Purpose.ANSWER)
            send_at = now if answering else outside_night(now, customer)
            message.state = State.HELD if send_at > now else State.PENDING
            message.next_try_at = send_at
        message.save()
        if message.state == State.PENDING:
            transaction.on_commit(lambda: async_task("notifications.tasks.send_message", message.pk))
    return message


def _refuse_unwritable(
    *, customer: Customer, channel: str, body: str, template: MessageTemplate | None, now: datetime
) -> None:
    """Raise MessageRefused, saying why, when staff cannot send this to the customer."""
    if channel not in Channel.values:
        raise MessageRefused(gettext("Choose SMS, WhatsApp or email."))
    if template is not None and template.channel != channel:
        raise MessageRefused(
            gettext(
                "The template “%(name)s” is for %(its)s, but %(chosen)s is chosen: choose %(its)s as the channel, "
                "or a template for %(chosen)s."
            )
            % {"name": template.name, "its": template.get_channel_display(), "chosen": Channel(channel).label}
        )
    if template is None and not body.strip():
        raise MessageRefused(gettext("Write the message, or choose a template."))
    if not channels.address(channel, customer):
        no_address = (
            gettext("%(customer)s has no email.")
            if channel == Channel.EMAIL
            else gettext("%(customer)s has no phone.")
        )
        raise MessageRefused(no_address % {"customer": customer.name})
    if channel == Channel.WHATSAPP and template is None and not whatsapp_window_open(customer=customer, now=now):
        raise MessageRefused(
            gettext(
                "WhatsApp takes free text only within 24 hours of the customer's last message: "
                "choose an approved template, or write an SMS."
            )
        )
    if OptOut.objects.filter(customer=customer, channel=channel).exists():
        raise MessageRefused(
            gettext("%(customer)s switched %(channel)s off (STOP).")
            % {"customer": customer.name, "channel": Channel(channel).label}
        )


def _written_subject(customer: Customer, order: Order | None, channel: str) -> str:
    if channel != Channel.EMAIL:
        return ""
    shop = customer.shop
    if order is None:
        return shop.name
    with translation.override(shop.customer_language):
        return gettext("%(shop)s: order %(number)s") % {"shop": shop.name, "number": order.number}


def _addressee(order: Order | None, conversation: Conversation | None) -> Customer:
    """Whom staff write to: the order's customer, else the conversation's."""
    if order is not None:
        return order.customer
    if conversation is None:
        raise MessageRefused(gettext("Write about an order or a conversation."))
    if conversation.is_closed:
        raise MessageRefused(gettext("This conversation is closed."))
    return conversation.customer


def message_preview(
    *,
    order: Order | None = None,
    conversation: Conversation | None = None,
    channel: str,
    body: str = "",
    template: MessageTemplate | None = None,
    now: datetime | None = None,
) -> Rendered:
    """What a member of staff would send to an order's or a conversation's customer, as the customer would read
    it, refused as the send would be; nothing is written."""
    now = now or timezone.now()
    customer = _addressee(order, conversation)
    _refuse_unwritable(customer=customer, channel=channel, body=body, template=template, now=now)
    if template is None:
        subject = _written_subject(customer, order, channel)
        return Rendered(subject=subject, body=body.strip(), content_variables={})
    return customer_render(template, order=order, customer=customer)


@transaction.atomic
def message_write(
    *,
    order: Order | None = None,
    conversation: Conversation | None = None,
    by: User | None,
    channel: str,
    body: str = "",
    template: MessageTemplate | None = None,
    now: datetime | None = None,
) -> OutboundMessage:
    """A member of staff writes to the customer of an order or of a conversation, in free text or with a
    template. On an order: a line in its history, and working on the order (the manager's acceptance clock
    stops). On a conversation: the message is part of it, and the reply is recorded (the first stops the
    first-reply clock)."""
    now = now or timezone.now()
    customer = _addressee(order, conversation)
    _refuse_unwritable(customer=customer, channel=channel, body=body, template=template, now=now)
    if order is not None:
        order_record_message(order=order, by=by, channel_label=str(Channel(channel).label))
    else:
        assert conversation is not None  # _addressee refuses neither
        conversation_replied(conversation=conversation, by=by, now=now)
    return message_queue(
        customer=customer,
        order=order,
        conversation=conversation,
        channel=channel,
        purpose=Purpose.MANUAL,
        template=template,
        subject=_written_subject(customer, order, channel),
        body=body,
        author=by,
        now=now,
    )


def whatsapp_window_open(*, customer: Customer, now: datetime) -> bool:
    return InboundMessage.objects.filter(
        customer=customer, channel=Channel.WHATSAPP, received_at__gte=now - WHATSAPP_WINDOW
    ).exists()


def _due(now: datetime) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(
        Q(state__in=[State.PENDING, State.HELD], next_try_at__lte=now)
        | Q(state=State.SENDING, claimed_at__lte=now - STALLED_SEND)
    )


def _claim(rows: QuerySet[OutboundMessage], now: datetime) -> list[OutboundMessage]:
    """Mark rows as being sent by this worker, skipping rows another worker holds, in one short transaction."""
    with transaction.atomic():
        claimed = list(rows.select_for_update(skip_locked=True, of=("self",)))
        for message in claimed:
            if message.state == State.SENDING:  # its worker died mid-send: the provider may have it
                message.uncertain_since = message.uncertain_since or message.claimed_at
            message.state, message.claimed_at, message.attempts = State.SENDING, now, message.attempts + 1
        OutboundMessage.objects.bulk_update(
            claimed, ["state", "claimed_at", "attempts", "uncertain_since", "updated_at"]
        )
    return claimed


def _taken_already(message: OutboundMessage) -> str:
    """After a try whose outcome is unknown, the provider's id of this message if it took it after all (one
    that no other row holds), else "": a message taken late is recorded, not sent twice."""
    if message.uncertain_since is None:
        return ""
    taken = channels.taken_since(message, message.uncertain_since)
    holders = dict(OutboundMessage.objects.filter(provider_id__in=taken).values_list("provider_id", "pk"))
    return next((sid for sid in taken if holders.get(sid, message.pk) == message.pk), "")


def _deliver(message: OutboundMessage, now: datetime) -> OutboundMessage:
    """Hand a claimed row to its channel (outside any transaction: the provider may be slow) and record what
    came of it; every failure, a timeout or a refused connection included, is a recorded try."""
    try:
        taken = _taken_already(message)
        provider_id = taken or channels.send(message)
    except ChannelError as exc:
        return _record_failure(message, exc, now)
    OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=State.SENT, provider_id=provider_id, sent_at=now, error_code="", last_error="", updated_at=now
    )
    message.state, message.provider_id = State.SENT, provider_id
    log.info(
        "Outbox: message %s %s by %s%s",
        message.pk,
        "was taken after all (not sent again)" if taken else "sent",
        message.get_channel_display(),
        f" ({provider_id})" if provider_id else "",
    )
    return message


@transaction.atomic
def _record_failure(message: OutboundMessage, exc: ChannelError, now: datetime) -> OutboundMessage:
    settings = MessagingSettings.load()
    message.error_code, message.last_error = exc.code, str(exc)[:500]
    if exc.uncertain:
        message.uncertain_since = message.uncertain_since or message.claimed_at
    if exc.permanent or message.attempts >= settings.max_attempts:
        message.state, message.next_try_at = State.FAILED, None
        if exc.code == str(channels.twilio.UNSUBSCRIBED):
            OptOut.objects.get_or_create(
                customer=message.customer, channel=message.channel, defaults={"reason": "Twilio: unsubscribed"}
            )
        if message.order is not None:
            order = message.order
            notifications_about_orders(
                [order],
                kind=Notification.Kind.INFO,
                text_for=lambda order: (
                    f"Order {order.number}: the {message.get_channel_display()} to {message.customer.name} "
                    f"failed after {message.attempts} tries: {message.last_error}"
                ),
                to_manager=True,
                and_supervisors=True,
            )
    else:
        message.state, message.next_try_at = State.PENDING, now + settings.retry_delay(message.attempts)
    message.save(
        update_fields=["state", "next_try_at", "error_code", "last_error", "uncertain_since", "updated_at"]
    )
    log.warning(
        "Outbox: message %s, try %s %s: %s",
        message.pk,
        message.attempts,
        "failed for good"
        if message.next_try_at is None  # failed: no next try
        else f"failed, next at {desk_time(message.next_try_at)}",
        message.last_error,
    )
    if message.state == State.FAILED:
        signals.message_delivery_changed.send(sender=OutboundMessage, message=message, previous=State.SENDING)
    return message


def outbox_send(*, message_id: int, now: datetime | None = None) -> OutboundMessage | None:
    """Send one row if it is due and nobody else holds it (the after-commit task)."""
    now = now or timezone.now()
    claimed = _claim(_due(now).filter(pk=message_id).select_related("customer__shop"), now)
    return _deliver(claimed[0], now) if claimed else None


def outbox_send_due(*, now: datetime | None = None, batch: int = 50, budget: float = 40.0) -> int:
    """Send what is due (left behind, retried, held till morning), batch by batch within a time budget."""
    now = now or timezone.now()
    started, sent = timezone.now(), 0
    while (timezone.now() - started).total_seconds() < budget:
        rows = _due(now).select_related("customer__shop", "order").order_by("next_try_at")[:batch]
        claimed = _claim(rows, now)
        if not claimed:
            break
        for message in claimed:
            sent += _deliver(message, now).state == State.SENT
    return sent


@transaction.atomic
def outbox_retry(*, message_ids: list[int], now: datetime | None = None) -> int:
    """Send failed messages again from the start (after the number was fixed, or Twilio came back)."""
    now = now or timezone.now()
    return OutboundMessage.objects.filter(pk__in=message_ids, state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_try_at=now, error_code="", last_error="", updated_at=now
    )


@transaction.atomic
def customer_messages_forget(*, customer: Customer) -> int:
    """An anonymised customer's messages keep their dates and states, not their words, addresses or files (an
    email's attachments are deleted from the storage once the change is committed)."""
    sent = OutboundMessage.objects.filter(customer=customer).update(
        to="", subject="", body="", content_variables={}
    )
    received = InboundMessage.objects.filter(customer=customer).update(from_address="", subject="", body="")
    attachments = InboundAttachment.objects.filter(inbound__customer=customer)
    files = [attachment.file for attachment in attachments.exclude(file="")]
    attachments.delete()

    def files_delete() -> None:
        for file in files:
            file.delete(save=False)

    transaction.on_commit(files_delete)
    OptOut.objects.filter(customer=customer).delete()
    return sent + received
