"""Customers' emails coming in, from a provider's inbound webhook (django-anymail) or the IMAP mailbox: both hand
the letter to `email_receive`. A reply to an order's email (its Reply-To carries a signed order token; or its
In-Reply-To/References name a Message-ID the desk sent) joins that order; anything else is the sender's customer's
(found by email in the shop the letter was addressed to, or created) and goes on to a conversation. Kept once per
Message-ID; attachments kept through Django's storage up to a size limit."""

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import get_valid_filename

from notifications import signals
from notifications.models import Channel, InboundAttachment, InboundMessage, OutboundMessage
from notifications.replies import reply_order_id
from notifications.services.inbound import inbound_shop
from orders.models import Customer, Order
from orders.services import customer_for_contact

log = logging.getLogger(__name__)
# Recipient headers that may carry the reply address or the shop's address.
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
BODY_MAX = 100_000


def email_sid(message_id: str) -> str:
    """An email's row key beside Twilio's MessageSids (unique, at most 64 characters)."""
    return "email-" + hashlib.sha256(message_id.encode()).hexdigest()[:58]


def _order_by_token(addresses: Iterable[str]) -> Order | None:
    """The order a reply address names, when its signature holds; a forged or mangled token names nothing."""
    for address in addresses:
        order_id = reply_order_id(address)
        if order_id is not None:
            order = Order.objects.select_related("customer", "shop").filter(pk=order_id).first()
            if order is not None:
                return order
        elif address.startswith("reply+"):
            log.warning("Inbound email to %s: reply token does not verify, ignored", address)
    return None


def _order_by_thread(message_ids: Sequence[str]) -> Order | None:
    """The order of the latest email the desk sent that this one answers (In-Reply-To, References)."""
    if not message_ids:
        return None
    sent = (
        OutboundMessage.objects.filter(message_id__in=message_ids, order__isnull=False)
        .select_related("order__customer", "order__shop")
        .order_by("-created_at")
        .first()
    )
    return sent.order if sent is not None else None


def _addresses(letter: EmailMessage, headers: Sequence[str]) -> list[str]:
    values = [str(value) for header in headers for value in letter.get_all(header, [])]
    return [address.strip().lower() for _, address in getaddresses(values) if address]


def _valid_email(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def _text(letter: EmailMessage) -> str:
    part = letter.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    text = strip_tags(content) if part.get_content_type() == "text/html" else content
    return str(text).strip()[:BODY_MAX]


def _attachments_keep(inbound: InboundMessage, letter: EmailMessage) -> int:
    """Keep each attachment through the default storage, or, over INBOUND_ATTACHMENT_MAX_BYTES, a row saying it
    was not kept; how many came."""
    count = 0
    for part in letter.iter_attachments():
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        count += 1
        name = (part.get_filename() or "attachment").strip()[:255]
        attachment = InboundAttachment(
            inbound=inbound, name=name, content_type=part.get_content_type()[:100], size=len(data)
        )
        if len(data) > settings.INBOUND_ATTACHMENT_MAX_BYTES:
            attachment.save()
        else:
            attachment.file.save(get_valid_filename(name) or "attachment", ContentFile(data), save=True)
    return count


def email_receive(
    *, letter: EmailMessage, recipients: Sequence[str] = (), now: datetime | None = None
) -> tuple[InboundMessage, bool]:
    """Keep a customer's email once (per Message-ID), matched to an order it replies to or to the sender's
    customer, with its attachments; announce it (`customer_replied`) like a text message. `recipients`: the
    envelope recipient(s) the provider or mailbox knows, beside the letter's own headers. True when new."""
    now = now or timezone.now()
    message_id = str(letter.get("Message-ID", "")).strip()[:255]
    if not message_id:  # kept once all the same: named by its content
        message_id = f"<{hashlib.sha256(letter.as_bytes()).hexdigest()}@no-message-id>"
    addressed = [*(address.lower() for address in recipients if address), *_addresses(letter, RECIPIENT_HEADERS)]
    in_reply_to = str(letter.get("In-Reply-To", "")).strip()[:255]
    thread = [*in_reply_to.split(), *str(letter.get("References", "")).split()]
    sender = _valid_email(parseaddr(str(letter.get("From", "")))[1].strip().lower())
    with transaction.atomic():
        existing = InboundMessage.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing, False
        order = _order_by_token(addressed) or _order_by_thread(thread)
        customer: Customer | None = order.customer if order is not None else None
        if customer is None and sender:
            known = Customer.objects.filter(email__iexact=sender).order_by("-created_at").first()
            shop = inbound_shop(channel=Channel.EMAIL, addresses=addressed, known=known)
            if shop is None:
                log.warning(
                    "Inbound email %s from %s: no shop claims %s, kept unmatched", message_id, sender, addressed
                )
            else:
                customer = customer_for_contact(shop=shop, email=sender)[0]
        try:
            with transaction.atomic():
                inbound = InboundMessage.objects.create(
                    message_sid=email_sid(message_id),
                    message_id=message_id,
                    channel=Channel.EMAIL,
                    from_address=(sender or str(letter.get("From", "")))[:254],
                    to_address=(addressed[0] if addressed else "")[:254],
                    subject=str(letter.get("Subject", "")).strip()[:200],
                    in_reply_to=in_reply_to,
                    body=_text(letter),
                    customer=customer,
                    order=order,
                )
        except IntegrityError:  # the same letter, a moment earlier, from another worker or delivery
            return InboundMessage.objects.get(message_id=message_id), False
        media_count = _attachments_keep(inbound, letter)
        if media_count:
            inbound.media_count = min(media_count, 100)
            inbound.save(update_fields=["media_count"])
        if customer is not None:
            signals.customer_replied.send(sender=Channel, inbound=inbound, switched=False, now=now)
    return inbound, True
