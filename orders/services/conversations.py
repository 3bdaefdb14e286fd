"""Conversations as customers start them: anyone who writes in is a customer of the shop they wrote to (a record
with only their phone or email, named "unknown" until staff know better), and a message that belongs to no open
order joins the customer's conversation, or opens one with its first-reply clock. (What staff do with a
conversation is orders/services/conversation_work.py.)"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.phrases import Phrase, phrase, text_columns
from orders.clock import working_deadline
from orders.models import Conversation, ConversationEvent, Customer, CustomerEvent, Shop
from orders.services.customers import _zone_derived


def customer_for_contact(
    *, shop: Shop, phone: str = "", email: str = "", how: Phrase | None = None
) -> tuple[Customer, bool]:
    """The shop's customer with this phone (or, without one, this email in any case), or a new one with only
    that contact and no name; True when created. `phone` is E.164, as `orders.phones.phone_normalize` gives it.
    `how`: the new record's history line (default: they wrote to the shop)."""
    email = email.strip().lower() if not phone else ""
    if not phone and not email:
        raise ValueError("customer_for_contact needs a phone or an email")
    with transaction.atomic():
        if not phone:
            # No unique constraint on an email: two first emails at once wait for each other on the shop's row.
            Shop.objects.select_for_update().filter(pk=shop.pk).first()
        found = Customer.objects.filter(shop=shop).by_contact(phone=phone, email=email).first()
        if found is not None:
            return found, False
        customer = Customer(shop=shop, name="", phone=phone, email=email)
        _zone_derived(customer, places=[])
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError:  # the same number's first message, a moment earlier, on another worker
            return Customer.objects.get(shop=shop, phone=phone), False
        CustomerEvent.objects.create(
            customer=customer,
            actor=None,
            **text_columns(how or phrase(gettext_noop("Customer record created: they wrote to the shop")), 500),
        )
    return customer, True


def conversation_join(*, customer: Customer, shop: Shop, now: datetime | None = None) -> tuple[Conversation, bool]:
    """The customer's conversation that is not closed, or a new one in the shop with its first-reply clock (the
    shop's `first_reply_within`, counted in its working hours); it is unread and its last message is now. True
    when opened."""
    now = now or timezone.now()
    with transaction.atomic():
        # The customer's row lock: two messages at once join one conversation (the database allows one open).
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        conversation = (
            Conversation.objects.exclude(state=Conversation.State.CLOSED).filter(customer=customer).first()
        )
        if conversation is not None:
            changes = {"unread": True, "last_message_at": now, "updated_at": now}
            if conversation.state == Conversation.State.WAITING:  # the customer answered: the desk's turn again
                changes["state"] = Conversation.State.OPEN
            Conversation.objects.filter(pk=conversation.pk).update(**changes)
            for field, value in changes.items():
                setattr(conversation, field, value)
            return conversation, False
        conversation = Conversation.objects.create(
            shop=shop,
            customer=customer,
            state=Conversation.State.OPEN,
            first_reply_due_at=working_deadline(shop, now, shop.first_reply_within),
            unread=True,
            last_message_at=now,
        )
        ConversationEvent.objects.create(
            conversation=conversation,
            actor=None,
            **text_columns(phrase(gettext_noop("The customer wrote: conversation opened.")), 500),
        )
    return conversation, True
