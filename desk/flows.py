"""The desk's flows, in the order they run. Each step is a public service of the app that owns it, called here
explicitly; `desk/receivers.py` runs these functions on the apps' domain signals, inside the transaction of the
change that sent them (so a step that refuses undoes the change, and nothing is half-saved)."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from assignment.exceptions import AssignmentRefused
from assignment.services import (
    assignment_accept,
    conversation_route,
    order_route,
    order_take,
    presence_logged_out,
    queue_serve_after_commit,
)
from calls.selectors import auto_dial_ready
from calls.services import call_miss, call_place_after_commit, call_ring_next
from core.people import staff_name
from core.phrases import Phrase, label, phrase
from feedback.services import (
    claim_inspectors_hear,
    feedback_letter,
    feedback_on_delivery,
    feedback_plan,
    reply_receive,
)
from notifications.models import InboundMessage, Notification, OutboundMessage, Trigger
from notifications.services import (
    assignment_timeout_announce,
    conversation_message_announce,
    inbound_to_conversation,
    notifications_to_admins,
    off_hours_reply,
    queue_wait_announce,
    reply_announce,
    triggers_fire_due,
    triggers_on_payment,
    triggers_on_status_entered,
)
from orders.clock import is_working_time
from orders.exceptions import IntakeRefused, OrderError
from orders.models import Conversation, Order, PhoneCall, Task
from orders.selectors import status_calls_on_entry, status_is_complete, status_name
from orders.services import order_record_call, order_take_back, orders_reassign, task_create
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_event_record


# 1. An order arrives (orders.order_create → order_created).
def order_arrived(*, order: Order, taken_by: User | None) -> None:
    """Announce it to the shop's webhooks (first: what routing does next is announced after it); give it to a
    manager in the same request, so the storefront's answer names them; then its first status's triggers; then,
    while the desk is closed, the reply saying when it opens."""
    webhook_event_record(order=order, event_type=EventType.ORDER_CREATED)
    if taken_by is not None:
        try:  # the manager who typed it in takes it, through routing's locks (quota, grants)
            order_take(
                order_id=order.pk,
                user=taken_by,
                how=phrase(gettext_noop("%(name)s typed it in and took it"), name=staff_name(taken_by)),
            )
        except AssignmentRefused as refusal:  # refused (e.g. at quota): the whole order is undone
            raise IntakeRefused(str(refusal)) from refusal
    else:
        order_route(new_order=order)
    triggers_on_status_entered(order=order, order_steps=trigger_order_steps)
    if status_calls_on_entry(order.status):
        order.refresh_from_db(fields=["manager"])  # routing may have just given it to someone
        customer_to_call(order=order)
    off_hours_reply(customer=order.customer, shop=order.shop, order=order)


# 2. An order moves (orders.order_change_status → order_status_changed).
def order_moved(*, order: Order) -> None:
    """Announced to the shop's webhooks; the entered status's triggers; the customer called when the status
    calls on entry; a request for feedback planned when the order is complete; the queue served once the change
    is committed when a final status frees its manager's room."""
    webhook_event_record(order=order, event_type=EventType.ORDER_STATUS_CHANGED)
    triggers_on_status_entered(order=order, order_steps=trigger_order_steps)
    if not order.is_final and status_calls_on_entry(order.status):
        customer_to_call(order=order)
    if order.is_final and status_is_complete(order.status):
        feedback_plan(order=order)
    if order.is_final and order.manager_id:
        queue_serve_after_commit()


# 2a. Seed 004: an order entering a status that calls the customer on entry (in 1 and 2).
def customer_to_call(*, order: Order) -> None:
    """A call due now at the top of the manager's Next and, when they have auto-dial on, are Free and it is not
    the customer's night, the call itself, placed once the move is committed. An order nobody holds yet waits
    for routing: there is no one to call it."""
    if order.manager is None:
        return
    task_create(
        customer=order.customer,
        order=order,
        assignee=order.manager,
        by=None,
        kind=Task.Kind.CALL,
        text=phrase(
            gettext_noop("Call the customer: the order is now %(status)s"), status=status_name(order.status)
        ),
        due_at=timezone.now(),
    )
    if auto_dial_ready(manager=order.manager, customer=order.customer):
        call_place_after_commit(order=order, manager=order.manager)


# 3. A trigger fires (on entering a status, in 1 and 2; on a payment, in 4; or "has stayed", from the every-minute
# check below): notifications writes its message and bell, and these are its steps on the order itself.
def trigger_order_steps(trigger: Trigger, order: Order, now: datetime) -> list[Phrase]:
    """A task for the order's manager, a hand-over to a named manager, or back to routing; what was done, in the
    words of the firing's history line."""
    done = []
    if trigger.task_text.strip():
        if order.manager is None:
            done.append(phrase(gettext_noop("no task: the order has no manager")))
        else:
            task_create(
                customer=order.customer,
                order=order,
                assignee=order.manager,
                by=None,
                kind=trigger.task_kind,
                text=trigger.task_text,
                due_at=now + trigger.task_due_in,
            )
            done.append(phrase(gettext_noop("task planned")))
    reason = phrase(gettext_noop("trigger “%(name)s”"), name=trigger.name)
    if trigger.hand == Trigger.Hand.MANAGER and trigger.hand_to is None:  # deleted since: the trigger keeps no one
        done.append(phrase(gettext_noop("not handed over: the manager it names is no longer on the staff")))
    elif trigger.hand == Trigger.Hand.MANAGER and trigger.hand_to is not None:
        try:
            orders_reassign(orders=[order], manager=trigger.hand_to, by=None, reason=reason)
            done.append(phrase(gettext_noop("handed over")))
        except OrderError as exc:
            done.append(phrase(gettext_noop("not handed over: %(why)s"), why=str(exc).rstrip(".")))
    elif trigger.hand == Trigger.Hand.ROUTING and order.manager_id:
        try:
            order_take_back(order=order, reason=reason)
        except OrderError as exc:
            done.append(phrase(gettext_noop("not sent back to routing: %(why)s"), why=str(exc).rstrip(".")))
        else:
            queue_serve_after_commit()
            done.append(phrase(gettext_noop("sent back to routing")))
    return done


def stale_triggers_fire(*, now: datetime | None = None) -> int:
    """The every-minute check of "has stayed" triggers (q2: desk.tasks.fire_stale_triggers)."""
    return triggers_fire_due(now=now, order_steps=trigger_order_steps)


# 4. A payment is recorded (orders.order_record_payment → payment_recorded; a storefront's retry sends nothing).
def payment_recorded(*, order: Order, recorded_at: datetime) -> None:
    """The payment triggers: once per payment, with the same conditions and steps as a status's triggers."""
    triggers_on_payment(order=order, recorded_at=recorded_at, order_steps=trigger_order_steps)


# 5. A customer writes (an SMS, a WhatsApp message or an email, matched by notifications → customer_replied).
def customer_wrote(*, inbound: InboundMessage, switched: bool, now: datetime | None) -> None:
    """A customer's message (already matched, STOP/START honoured): an answer to their feedback request goes to
    feedback; STOP or START is done with; one about an open order reaches the order's manager; any other joins
    the customer's conversation. A new conversation is routed like a new order (at night it waits for the
    morning's queue) and, while the shop is closed, the customer hears when it opens; in an open one, its manager
    (or, while nobody has it, the shop's supervisors) hears of the message. Either way the inspector of the
    customer's open claim hears of it too."""
    if reply_receive(inbound=inbound):
        return
    if switched:
        return
    customer_wrote_to_claims(inbound=inbound)
    if inbound.order_id is not None:
        reply_announce(inbound=inbound, now=now)
        return
    conversation, opened = inbound_to_conversation(inbound=inbound, now=now)
    if opened:
        conversation_route(new_conversation=conversation, now=now)
        off_hours_reply(customer=conversation.customer, shop=conversation.shop, conversation=conversation, now=now)
    else:
        conversation_message_announce(inbound=inbound, conversation=conversation)


def customer_wrote_to_claims(*, inbound: InboundMessage) -> None:
    """The customer's answers come back to the inspector of their open claim (the bell), while it is open."""
    claim_inspectors_hear(inbound=inbound)


def conversation_answered(*, conversation: Conversation, by: User | None) -> None:
    """Staff answering a conversation stops routing's acceptance clock, as working on an order does."""
    assignment_accept(conversation=conversation, by=by)


def conversation_closed(*, conversation: Conversation) -> None:
    """A closed conversation frees room in its manager's load: the queue is served once the close is committed."""
    if conversation.manager_id:
        queue_serve_after_commit()


# 6. The other reactions between apps.
def order_worked_on(*, order: Order, by: User | None) -> None:
    """A status change, call, note or task by the assigned manager stops routing's acceptance clock."""
    assignment_accept(order=order, by=by)


def message_delivery_changed(*, message: OutboundMessage) -> None:
    """A feedback request's WhatsApp that failed goes again by email, at once."""
    feedback_on_delivery(message=message)


def email_letter(*, message: OutboundMessage) -> EmailMessage | None:
    """The letter an email transport sends, when the app that asked for the message writes it itself (feedback's
    request: from a person, with the working rating links); None: the desk's branded letter."""
    return feedback_letter(message=message)


def assignment_timed_out(*, order: Order, manager: User, minutes: int, rerouted_to: User | None) -> None:
    assignment_timeout_announce(order=order, manager=manager, minutes=minutes, rerouted_to=rerouted_to)


def order_waiting_too_long(*, order: Order, minutes: int, why: dict[str, str]) -> None:
    queue_wait_announce(order=order, minutes=minutes, why=why)


# 7. The shop's site hears back: outbound webhooks (webhooks/), and the admins hear when they fail.
def order_announced(*, order: Order, event_type: str) -> None:
    """An event of the order (manager, edit, payment, delivery, rating, claim) for the shop's webhooks."""
    webhook_event_record(order=order, event_type=event_type)


def webhook_failed(*, delivery: WebhookDelivery) -> None:
    text = phrase(
        gettext_noop("The webhook “%(event)s” of order %(number)s to %(url)s failed for good: %(error)s"),
        event=label(EventType(delivery.event_type).label),
        number=delivery.order.number if delivery.order else "—",
        url=delivery.endpoint.url,
        error=delivery.last_error,
    )
    link = reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])
    notifications_to_admins(kind=Notification.Kind.INFO, text=text, link=link)


def webhook_endpoint_disabled(*, endpoint: WebhookEndpoint) -> None:
    text = phrase(
        gettext_noop("The webhook endpoint %(url)s (%(shop)s) was switched off: %(reason)s"),
        url=endpoint.url,
        shop=endpoint.shop.name,
        reason=endpoint.disabled_reason,
    )
    link = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    notifications_to_admins(kind=Notification.Kind.INFO, text=text, link=link)


def user_logged_out(*, user: User) -> None:
    """A manager who logs out receives no new orders."""
    presence_logged_out(user=user)


# 8. A customer calls (calls.call_arrive → call_arrived; each <Dial> that ends unanswered → call_unanswered). The
# webhook then answers Twilio with what these steps recorded: a manager's leg to dial, or the missed call.
def customer_calls(*, call: PhoneCall, now: datetime) -> None:
    """Outside the shop's hours the call is missed at once (the caller hears the hours and may leave a
    voicemail); else it rings the first manager routing picks, or, with nobody free to ring, is missed."""
    if not is_working_time(call.shop, now):
        call_miss(call=call, reason=PhoneCall.Missed.OFF_HOURS, now=now)
    elif call_ring_next(call=call, now=now) is None:
        call_miss(call=call, reason=PhoneCall.Missed.NOBODY_FREE, now=now)


def call_not_answered(*, call: PhoneCall, caller_gone: bool, now: datetime) -> None:
    """A manager did not pick up: the next one rings (at most the shop's "managers rung at most"); when nobody
    more can be rung, or the caller has hung up waiting, the call is missed: a call-back task (`call_miss`)."""
    if caller_gone:
        call_miss(call=call, reason=PhoneCall.Missed.HUNG_UP, now=now)
    elif call_ring_next(call=call, now=now) is None:
        call_miss(call=call, reason=PhoneCall.Missed.RANG_OUT, now=now)


# 9. The phone tells how a call out went (calls.call_dial_apply → call_outcome_known).
def phone_call_ended(*, call: PhoneCall) -> None:
    """The call's outcome on its order, as if the manager had typed it: the history line carries the talk time
    (and the recording), a miss climbs its outcome's ladder. A call from the customer's page is about no order;
    an order closed since has no ladder to climb. The manager can still correct it on the call panel."""
    if call.order is None or call.order.is_final or not call.outcome:
        return
    order_record_call(order=call.order, by=call.manager, outcome=call.outcome, phone_call=call.pk)
