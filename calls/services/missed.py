"""A missed call is never lost: an incoming call nobody answered (outside hours, nobody free, all rang out, the
caller hung up waiting) is marked missed, written on the order and the customer ("Missed call 14:05 (rang Anna
20 s, Boris 20 s)"), and becomes a call-back: a task for the customer's manager (else the order's, else
routing's choice for the shop) due at the first moment that is neither the customer's night nor outside the
shop's hours, with a bell; with nobody to give it to, the customer's conversation waits unassigned in the inbox
and the shop's supervisors hear of it."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from assignment.services import call_back_pick
from core.people import staff_name
from core.phrases import Moment, Phrase, joined, phrase, text_columns
from notifications.models import Notification
from notifications.services.bell import conversation_link, notifications_create_many
from orders.clock import callback_moment
from orders.models import CustomerEvent, OrderEvent, PhoneCall, Task
from orders.selectors import supervisors_covering_shop
from orders.services import conversation_join, order_event_add, task_create


def missed_line(call: PhoneCall) -> Phrase:
    """ "Missed call 14:05 (rang Anna 20 s, Boris 20 s)", or with why nobody was rung ("outside working
    hours")."""
    rang = [
        phrase(gettext_noop("%(name)s %(seconds)s s"), name=staff_name(leg.manager), seconds=leg.seconds or 0)
        for leg in call.legs.select_related("manager")
    ]
    at = Moment(call.started_at, time_only=True)  # the line itself has the day
    if rang:
        return phrase(gettext_noop("Missed call %(time)s (rang %(legs)s)"), time=at, legs=joined(rang))
    return phrase(gettext_noop("Missed call %(time)s (%(why)s)"), time=at, why=PhoneCall.Missed(call.missed).label)


def _call_back_to(call: PhoneCall) -> User | None:
    """Who calls the customer back: their own manager, else the order's, else routing's choice for the shop."""
    for user in (call.customer.responsible_manager, call.order.manager if call.order else None):
        if user is not None and user.is_active:
            return user
    return call_back_pick(shop=call.shop, customer=call.customer)


def call_miss(*, call: PhoneCall, reason: str, now: datetime | None = None) -> PhoneCall:
    """Mark the call missed (once: a second miss of the same call changes nothing), write it on the order and the
    customer, and plan the call-back."""
    now = now or timezone.now()
    with transaction.atomic():
        call = (
            PhoneCall.objects.select_for_update(of=("self",))
            .select_related("shop", "customer", "order")
            .get(pk=call.pk)
        )
        if call.missed_at is not None:
            return call
        call.missed, call.missed_at = reason, now
        line = missed_line(call)
        if call.order is not None:
            order_event_add(order=call.order, kind=OrderEvent.Kind.NOTE, text=line)
        CustomerEvent.objects.create(customer=call.customer, actor=None, **text_columns(line, 500))
        assignee = _call_back_to(call)
        if assignee is not None:
            call.callback_task = _call_back_task(call, assignee, now)
        else:
            _to_inbox(call, now)
        call.save(update_fields=["missed", "missed_at", "callback_task"])
    return call


def _call_back_task(call: PhoneCall, assignee: User, now: datetime) -> Task:
    customer = call.customer
    due = callback_moment(now, customer)
    task = task_create(
        customer=customer,
        order=call.order,
        assignee=assignee,
        by=None,
        kind=Task.Kind.CALL,
        text=phrase(gettext_noop("Call back: missed call %(time)s"), time=call.started_at),
        due_at=due,
    )
    link = (
        reverse("orders:detail", args=[call.order.pk])
        if call.order
        else reverse("orders:customer", args=[customer.pk])
    )
    heard = phrase(
        gettext_noop("Missed call from %(customer)s (%(phone)s): call back %(due)s"),
        customer=customer.shown_name,
        phone=call.from_number,
        due=due,
    )
    notifications_create_many(kind=Notification.Kind.REMINDER, messages=[(assignee.pk, heard, link)])
    return task


def _to_inbox(call: PhoneCall, now: datetime) -> None:
    """Nobody to call back: the customer's conversation (opened if need be) waits in the inbox; its manager, or
    while it has none the shop's supervisors, hear of the missed call."""
    conversation, _ = conversation_join(customer=call.customer, shop=call.shop, now=now)
    if conversation.manager_id:
        recipients = [conversation.manager_id]
    else:
        recipients = list(supervisors_covering_shop(shop_id=call.shop_id).values_list("pk", flat=True))
    heard = phrase(
        gettext_noop("Missed call from %(customer)s (%(phone)s): nobody to call back, waiting in the inbox"),
        customer=call.customer.shown_name,
        phone=call.from_number,
    )
    link = conversation_link(conversation)
    notifications_create_many(kind=Notification.Kind.REMINDER, messages=[(pk, heard, link) for pk in recipients])
