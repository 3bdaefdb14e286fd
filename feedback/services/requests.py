"""Asking for feedback: a request planned when an order is complete, sent when due through the outbox (WhatsApp
with the approved template to a mobile phone, else email with five signed rating links), and the email sent
once instead when WhatsApp does not reach the customer.

The email is kept on the order with its links masked: staff read it there, and a working link would let them rate
"as the customer". The real links are signed when the letter is written for sending (`feedback_letter`), so the
tokens exist only in what went to the customer."""

import time
from collections.abc import Callable
from datetime import datetime
from email.utils import formataddr, parseaddr

import phonenumbers
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from feedback.models import FeedbackRequest, FeedbackSettings, ShopFeedback
from feedback.selectors import feedback_message
from notifications.exceptions import ChannelError
from notifications.models import Channel, OutboundMessage
from notifications.selectors import daily_cap_frees_at
from notifications.services import message_queue
from orders.clock import outside_night
from orders.models import Customer, Order, Shop

State = FeedbackRequest.State
LINK_SALT = "feedback.rating"
RATINGS = (5, 4, 3, 2, 1)
MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Staff read the email on the order with this in place of each link (in the email's language).
MASKED_LINK = gettext_noop("[rating link: only in the customer's email]")
REACHED = {OutboundMessage.State.DELIVERED, OutboundMessage.State.READ}


def feedback_plan(*, order: Order, now: datetime | None = None) -> FeedbackRequest | None:
    """In the transaction of the status change that completed the order: plan the request after the shop's
    delay, out of the customer's quiet hours on their clock (once per order)."""
    config = ShopFeedback.objects.filter(shop_id=order.shop_id, is_active=True).first()
    if config is None:
        return None
    now = now or timezone.now()
    request, _ = FeedbackRequest.objects.get_or_create(
        order=order,
        defaults={"customer_id": order.customer_id, "due_at": outside_night(now + config.delay, order.customer)},
    )
    return request


def rating_link(request: FeedbackRequest, rating: int) -> str:
    """A one-click link that records this rating for this request only (signed; valid as long as the request)."""
    token = signing.dumps({"q": request.pk, "o": request.order_id, "r": rating}, salt=LINK_SALT, compress=True)
    return settings.SITE_URL + reverse("feedback:rate", args=[token])


def _is_mobile(phone: str) -> bool:
    try:
        return phonenumbers.number_type(phonenumbers.parse(phone)) in MOBILE
    except phonenumbers.NumberParseException:
        return False


def _links(link_for: Callable[[int], str]) -> str:
    return "\n".join(f"{rating} — {link_for(rating)}" for rating in RATINGS)


def _masked_links(shop: Shop) -> str:
    """The links as staff read them on the order, in the words of the email they stand in."""
    with translation.override(shop.customer_language):
        masked = gettext(MASKED_LINK)
    return _links(lambda rating: masked)


def _email(request: FeedbackRequest, config: ShopFeedback, now: datetime) -> OutboundMessage | None:
    """Queue the email as staff may read it (links masked); the letter itself is written when it is sent."""
    if not request.customer.email:
        return None
    shop = config.shop
    message = message_queue(
        customer=request.customer,
        order=request.order,
        channel=Channel.EMAIL,
        purpose=OutboundMessage.Purpose.FEEDBACK,
        subject=feedback_message(config=config, field="email_subject"),
        body=feedback_message(config=config, field="email_text", links=_masked_links(shop)),
        now=now,
    )
    request.email_message = message
    return message


def feedback_letter(*, message: OutboundMessage) -> EmailMessage | None:
    """The feedback email as the customer gets it, written at sending time: from the signer (their address, else
    the desk's under their name), plain text as a person writes (seed 003), with the five working links in place of
    the masked ones. None for any other email."""
    if message.purpose != OutboundMessage.Purpose.FEEDBACK or message.channel != Channel.EMAIL:
        return None
    request = FeedbackRequest.objects.filter(email_message=message).select_related("order__shop").first()
    config = ShopFeedback.objects.filter(shop_id=request.order.shop_id).first() if request is not None else None
    # The masked copy must never go out; try again once the request is written.
    if request is None or config is None:
        raise ChannelError("Email: the feedback request of this message is not found.")
    sender = config.signer_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return EmailMessage(
        subject=message.subject,
        body=message.body.replace(
            _masked_links(request.order.shop), _links(lambda rating: rating_link(request, rating))
        ),
        from_email=formataddr((config.signer, sender)),
        to=[message.to],
        reply_to=[config.reply_to] if config.reply_to else None,
    )


def _cap_frees_at(customer: Customer, now: datetime) -> datetime:
    """When the daily cap lets the request go. The customer's row is locked first (as the outbox locks it when it
    counts), so no trigger slips in between this count and the request's message."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    return daily_cap_frees_at(customer=customer, now=now)


def _postponed_by_daily_cap(request: FeedbackRequest, now: datetime) -> bool:
    """A customer at the daily cap is asked when it next allows, never dropped (the outbox would skip it)."""
    frees_at = _cap_frees_at(request.customer, now)
    if frees_at <= now:
        return False
    request.due_at = frees_at
    request.note = "Postponed: the customer had the daily cap of automatic messages in the last 24 hours."
    return True


def _ask(request: FeedbackRequest, now: datetime) -> None:
    customer, feedback = request.customer, FeedbackSettings.load()
    config = (
        ShopFeedback.objects.filter(shop_id=request.order.shop_id, is_active=True).select_related("shop").first()
    )
    asked = FeedbackRequest.objects.filter(customer=customer, sent_at__gte=now - feedback.ask_once_per)
    if config is None:
        request.state, request.note = State.SKIPPED, "The shop no longer asks for feedback."
    elif asked.exclude(pk=request.pk).exists():
        request.state, request.note = State.SKIPPED, "Asked recently about another order."
    elif not _postponed_by_daily_cap(request, now):
        if config.whatsapp_content_sid and customer.phone and _is_mobile(customer.phone):
            request.whatsapp_message = message_queue(
                customer=customer,
                order=request.order,
                channel=Channel.WHATSAPP,
                purpose=OutboundMessage.Purpose.FEEDBACK,
                body=feedback_message(config=config, field="whatsapp_text"),
                content_sid=config.whatsapp_content_sid,
                content_variables={"1": config.signer},
                now=now,
            )
        whatsapp_going = (
            request.whatsapp_message and request.whatsapp_message.state != OutboundMessage.State.SKIPPED
        )
        if not whatsapp_going:
            _email(request, config, now)
        if whatsapp_going or request.email_message:
            request.state, request.sent_at, request.valid_until = State.SENT, now, now + feedback.valid_for
        else:
            request.state, request.note = State.SKIPPED, "No mobile phone for WhatsApp and no email (or both off)."
    request.save()


def feedback_send_due(*, now: datetime | None = None, batch: int = 100, budget: float = 40.0) -> int:
    """The every-minute run: ask the customers whose requests are due (batch by batch, skipping rows another
    worker holds); then send the email where WhatsApp has not reached the customer in time."""
    now = now or timezone.now()
    started, asked = time.monotonic(), 0
    while time.monotonic() - started < budget:
        with transaction.atomic():
            due = list(
                FeedbackRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=State.PLANNED, due_at__lte=now)
                .select_related("order", "customer__shop")
                .order_by("due_at")[:batch]
            )
            for request in due:
                _ask(request, now)
        asked += len(due)
        if len(due) < batch:
            break
    feedback_fallback_due(now=now)
    return asked


def feedback_fallback_due(*, now: datetime | None = None) -> int:
    """WhatsApp sent but not delivered within the wait: the email goes instead (once)."""
    now = now or timezone.now()
    waited = now - FeedbackSettings.load().whatsapp_wait
    late = FeedbackRequest.objects.filter(
        state=State.SENT, email_message__isnull=True, whatsapp_message__isnull=False, sent_at__lte=waited
    ).exclude(whatsapp_message__state__in=REACHED)
    return sum(feedback_fallback(request_id=pk, now=now) for pk in late.values_list("pk", flat=True))


@transaction.atomic
def feedback_fallback(*, request_id: int, now: datetime | None = None) -> bool:
    """Send the email instead of WhatsApp, once: under the request's lock, and only while no email went yet."""
    now = now or timezone.now()
    request = (
        FeedbackRequest.objects.select_for_update(of=("self",))
        .select_related("order", "customer__shop")
        .filter(pk=request_id, state=State.SENT, email_message__isnull=True)
        .first()
    )
    if request is None:
        return False
    config = ShopFeedback.objects.filter(shop_id=request.order.shop_id).select_related("shop").first()
    if config is None or _cap_frees_at(request.customer, now) > now:  # at the cap: the next run tries again
        return False
    if _email(request, config, now) is None:
        return False
    request.save(update_fields=["email_message"])
    return True


def feedback_on_delivery(*, message: OutboundMessage) -> bool:
    """Twilio says a request's WhatsApp failed or was undelivered (e.g. 63003, no WhatsApp): email at once."""
    if message.state != OutboundMessage.State.FAILED or message.channel != Channel.WHATSAPP:
        return False
    request_id = FeedbackRequest.objects.filter(whatsapp_message=message).values_list("pk", flat=True).first()
    return request_id is not None and feedback_fallback(request_id=request_id)
