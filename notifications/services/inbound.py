"""What comes back from Twilio: delivery states of the messages sent (only ever forward), and customers' own
messages (once per MessageSid, matched to the customer and their latest open order, STOP and START honoured)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import signals
from notifications.models import Channel, InboundMessage, Notification, OptOut, OutboundMessage
from notifications.services.bell import notifications_about_orders
from notifications.services.triggers import off_hours_reply
from orders.models import Customer, Order
from orders.phones import phone_normalize

State = OutboundMessage.State
# Twilio's words for a message's progress, as the outbox's states. The ones before "sent" say Twilio took the
# message: they change nothing for a message the desk knows was taken, and prove it for one whose send timed out.
TWILIO_STATES = {
    "accepted": State.SENT,
    "queued": State.SENT,
    "sending": State.SENT,
    "sent": State.SENT,
    "delivered": State.DELIVERED,
    "read": State.READ,
    "undelivered": State.FAILED,
    "failed": State.FAILED,
}
# How far along a state is: a callback never moves a message backwards (a late "sent" after "delivered").
PROGRESS: dict[str, int] = {State.SENDING: 0, State.SENT: 1, State.DELIVERED: 2, State.FAILED: 2, State.READ: 3}
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "СТОП", "ОТПИСАТЬСЯ"}
START_WORDS = {"START", "UNSTOP", "YES", "СТАРТ"}


# States of a row whose send may have reached Twilio without its answer coming back (a retry is waiting, is
# under way, or the tries ran out): a callback naming the row proves it went.
UNANSWERED = [State.PENDING, State.SENDING, State.FAILED]


@transaction.atomic
def message_status_apply(
    *,
    provider_id: str,
    status: str,
    error_code: str = "",
    outbox_id: int | None = None,
    now: datetime | None = None,
) -> OutboundMessage | None:
    """Apply a status callback; idempotent, forward only. A callback for a SID the desk never heard (its send
    timed out before Twilio answered) finds its row by the outbox id in the signed callback URL, and records
    that it went. None when it changed nothing."""
    state = TWILIO_STATES.get(status)
    if state is None or not provider_id:
        return None
    rows = OutboundMessage.objects.select_for_update(of=("self",)).select_related("customer", "order")
    message = rows.filter(provider_id=provider_id).first()
    fields = ["state", "updated_at"]
    if message is not None:
        if PROGRESS[state] <= PROGRESS.get(message.state, 0):
            return None
    elif outbox_id is not None:
        message = rows.filter(pk=outbox_id, provider_id="", state__in=UNANSWERED).first()
        if message is None:
            return None
        # Taken by Twilio after all: what the desk guessed (a retry, "failed") gives way to what Twilio says.
        message.provider_id, message.sent_at, message.next_try_at = provider_id, now or timezone.now(), None
        message.error_code, message.last_error = "", ""
        fields += ["provider_id", "sent_at", "next_try_at", "error_code", "last_error"]
    else:
        return None
    previous, message.state = message.state, state
    if state == State.FAILED:
        message.error_code = error_code
        message.last_error = f"Twilio reports the message {status}" + (
            f" (error {error_code})" if error_code else ""
        )
        fields += ["error_code", "last_error"]
        if error_code == "21610":
            OptOut.objects.get_or_create(
                customer=message.customer, channel=message.channel, defaults={"reason": "Twilio: unsubscribed"}
            )
    message.save(update_fields=fields)
    signals.message_delivery_changed.send(sender=OutboundMessage, message=message, previous=previous)
    return message


def _customer_and_order(phone: str) -> tuple[Customer | None, Order | None]:
    """The customer who wrote: of the shops that know this phone, the one with the latest open order (else the
    latest order, else the latest customer)."""
    if not phone:
        return None, None
    for orders in (Order.objects.filter(is_final=False), Order.objects.all()):
        order = (
            orders.filter(customer__phone=phone)
            .select_related("customer", "manager")
            .order_by("-created_at")
            .first()
        )
        if order is not None:
            return order.customer, order
    return Customer.objects.filter(phone=phone).order_by("-created_at").first(), None


def _switch(customer: Customer, channel: str, word: str) -> str:
    if word in STOP_WORDS:
        OptOut.objects.get_or_create(customer=customer, channel=channel, defaults={"reason": f"replied {word}"})
        return "stop"
    if word in START_WORDS and OptOut.objects.filter(customer=customer, channel=channel).delete()[0]:
        return "start"
    return ""


def inbound_receive(
    *,
    message_sid: str,
    from_address: str,
    to_address: str = "",
    body: str = "",
    media_count: int = 0,
    now: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Keep a customer's message once (Twilio retries), match it, honour STOP/START, and hand it to whoever
    takes care of it (feedback's rating replies); when nobody does, the manager hears of it in the bell."""
    now = now or timezone.now()
    channel = Channel.WHATSAPP if from_address.startswith("whatsapp:") else Channel.SMS
    try:
        phone = phone_normalize(from_address.removeprefix("whatsapp:"))
    except ValidationError:  # a short code or garbage: kept, matched to nobody
        phone = ""
    with transaction.atomic():
        existing = InboundMessage.objects.filter(message_sid=message_sid).first()
        if existing is not None:
            return existing, False
        customer, order = _customer_and_order(phone)
        try:
            with transaction.atomic():
                inbound = InboundMessage.objects.create(
                    message_sid=message_sid,
                    channel=channel,
                    from_address=from_address[:64],
                    to_address=to_address[:64],
                    body=body,
                    media_count=media_count,
                    customer=customer,
                    order=order,
                )
        except IntegrityError:  # the same retry, a moment earlier, on another worker
            return InboundMessage.objects.get(message_sid=message_sid), False
        if customer is None:
            return inbound, True
        switched = _switch(customer, channel, body.strip().strip(".!").upper())
        handled = any(response for _, response in signals.customer_replied.send(sender=Channel, inbound=inbound))
        if not switched and not handled and order is not None:
            text = body.strip()[:200] or f"{media_count} attachment(s)"
            notifications_about_orders(
                [order],
                kind=Notification.Kind.REPLY,
                text_for=lambda order: f"{customer.name} wrote about order {order.number}: {text}",
                to_manager=True,
            )
            off_hours_reply(order=order, now=now)
    return inbound, True
