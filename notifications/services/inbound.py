"""What comes back from Twilio: delivery states of the messages sent (only ever forward), and customers' own
messages (once per MessageSid, matched to the customer and their latest open order, STOP and START honoured). A
message about no open order is the customer's of the shop it was sent to (created for a number the desk does not
know) and joins their conversation (`inbound_to_conversation`, called by the desk's pipeline)."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.phrases import phrase, plural_noop
from notifications import signals
from notifications.models import Channel, InboundMessage, Notification, OptOut, OutboundMessage
from notifications.services.bell import conversation_link, notifications_about_orders, notifications_create_many
from notifications.services.triggers import off_hours_reply
from orders.models import Conversation, Customer, Order, Shop, ShopAddress
from orders.phones import phone_normalize
from orders.selectors import supervisors_covering_shop
from orders.services import conversation_join, customer_for_contact

log = logging.getLogger(__name__)

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


def inbound_shop(*, channel: str, addresses: Iterable[str], known: Customer | None) -> Shop | None:
    """The shop a message is for: the one that claims a number or address it was sent to (a ShopAddress), else
    the shop of the customer the desk knows, else the only shop, else the shop INBOUND_DEFAULT_SHOP names; None
    when none of these says (the message is kept, matched to nobody)."""
    claimed = (
        ShopAddress.objects.filter(channel=channel, address__in=[address for address in addresses if address])
        .select_related("shop")
        .first()
    )
    if claimed is not None:
        return claimed.shop
    if known is not None:
        return known.shop
    shops = list(Shop.objects.all()[:2])
    if len(shops) == 1:
        return shops[0]
    return (
        Shop.objects.filter(code=settings.INBOUND_DEFAULT_SHOP).first() if settings.INBOUND_DEFAULT_SHOP else None
    )


def _phone(address: str) -> str:
    try:
        return phone_normalize(address.removeprefix("whatsapp:"))
    except ValidationError:  # a short code or garbage
        return ""


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
    """Keep a customer's message once (Twilio retries), match it, honour STOP/START, and announce it
    (`customer_replied`): the desk's pipeline hands it to feedback's rating replies, else to `reply_announce`."""
    now = now or timezone.now()
    channel = Channel.WHATSAPP if from_address.startswith("whatsapp:") else Channel.SMS
    phone = _phone(from_address)  # "": a short code or garbage, kept, matched to nobody
    with transaction.atomic():
        existing = InboundMessage.objects.filter(message_sid=message_sid).first()
        if existing is not None:
            return existing, False
        customer, order = _customer_and_order(phone)
        if order is not None and order.is_final:
            order = None  # nothing open: the message goes to a conversation (the desk's pipeline opens it)
        if order is None and phone:
            shop = inbound_shop(channel=channel, addresses=[_phone(to_address)], known=customer)
            if shop is None:
                log.warning(
                    "Inbound %s from %s to %s: no shop claims the number, kept unmatched",
                    message_sid,
                    phone,
                    to_address,
                )
                customer = None
            else:
                customer = customer_for_contact(shop=shop, phone=phone)[0]
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
        signals.customer_replied.send(sender=Channel, inbound=inbound, switched=bool(switched), now=now)
    return inbound, True


def inbound_to_conversation(*, inbound: InboundMessage, now: datetime | None = None) -> tuple[Conversation, bool]:
    """A customer's message about no open order joins their conversation (or opens one in their shop); True when
    opened."""
    assert inbound.customer is not None  # only a matched message is announced
    customer = inbound.customer
    conversation, opened = conversation_join(customer=customer, shop=customer.shop, now=now)
    inbound.conversation = conversation
    inbound.save(update_fields=["conversation"])
    return conversation, opened


def conversation_message_announce(*, inbound: InboundMessage, conversation: Conversation) -> int:
    """A customer's new message in a conversation: its manager hears of it in the bell (or, while nobody has it,
    the shop's supervisors)."""
    customer = conversation.customer
    text = inbound.body.strip()[:200] or inbound.subject
    wrote = (
        phrase(
            gettext_noop("%(customer)s wrote: %(text)s"), customer=customer.name or inbound.from_address, text=text
        )
        if text
        else phrase(
            *plural_noop("%(customer)s sent %(count)s attachment", "%(customer)s sent %(count)s attachments"),
            customer=customer.name or inbound.from_address,
            count=inbound.media_count,
        )
    )
    if conversation.manager_id:
        recipient_ids = [conversation.manager_id]
    else:
        recipient_ids = list(supervisors_covering_shop(shop_id=conversation.shop_id).values_list("pk", flat=True))
    link = conversation_link(conversation)
    return notifications_create_many(
        kind=Notification.Kind.REPLY, messages=[(pk, wrote, link) for pk in recipient_ids]
    )


def reply_announce(*, inbound: InboundMessage, now: datetime | None = None) -> None:
    """A customer's message about an order that nobody else took care of: its manager (or the shop's
    supervisors) hears of it in the bell, and while the desk is closed the customer hears when it opens."""
    order, customer = inbound.order, inbound.customer
    if order is None or customer is None:
        return
    text = inbound.body.strip()[:200] or _("%(count)s attachment(s)") % {"count": inbound.media_count}
    wrote = _("%(customer)s wrote about order %(number)s: %(text)s")
    notifications_about_orders(
        [order],
        kind=Notification.Kind.REPLY,
        text_for=lambda order: wrote % {"customer": customer.name, "number": order.number, "text": text},
        to_manager=True,
    )
    off_hours_reply(customer=customer, shop=order.shop, order=order, now=now)
