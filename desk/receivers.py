"""The one place the apps' domain signals are connected to the desk's flows. Each receiver only hands the signal's
arguments to its flow in desk/flows.py, where the steps and their order are written down."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_out
from django.core.mail import EmailMessage
from django.dispatch import Signal
from django.http import HttpRequest

from assignment import signals as routing
from calls import signals as calls
from desk import flows
from feedback import signals as feedback
from feedback.models import Claim
from notifications import signals as messaging
from notifications.models import InboundMessage, OutboundMessage
from orders import signals as orders
from orders.models import CallLeg, Conversation, Order, OrderEvent, PhoneCall
from webhooks import signals as webhooks
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

# The order's events the shop's webhooks hear, besides its arrival and moves (flows 1 and 2 announce those).
ANNOUNCED = {
    orders.order_manager_changed: EventType.ORDER_MANAGER_ASSIGNED,
    orders.order_edited: EventType.ORDER_EDITED,
    orders.payment_recorded: EventType.ORDER_PAYMENT_RECORDED,
    orders.delivery_recorded: EventType.ORDER_DELIVERY_UPDATED,
    orders.order_rated: EventType.ORDER_RATING_RECEIVED,
    feedback.claim_opened: EventType.CLAIM_OPENED,
    feedback.claim_closed: EventType.CLAIM_CLOSED,
}


def on_order_created(sender: type, order: Order, taken_by: User | None = None, **kwargs: Any) -> None:
    flows.order_arrived(order=order, taken_by=taken_by)


def on_order_status_changed(sender: type, order: Order, **kwargs: Any) -> None:
    flows.order_moved(order=order)


def on_payment_recorded(sender: type, order: Order, event: OrderEvent, **kwargs: Any) -> None:
    flows.payment_recorded(order=order, recorded_at=event.created_at)


def on_order_touched(sender: type, order: Order, by: User | None, **kwargs: Any) -> None:
    flows.order_worked_on(order=order, by=by)


def on_conversation_answered(sender: type, conversation: Conversation, by: User | None, **kwargs: Any) -> None:
    flows.conversation_answered(conversation=conversation, by=by)


def on_conversation_closed(sender: type, conversation: Conversation, **kwargs: Any) -> None:
    flows.conversation_closed(conversation=conversation)


def on_customer_replied(
    sender: type, inbound: InboundMessage, switched: bool = False, now: datetime | None = None, **kwargs: Any
) -> None:
    flows.customer_wrote(inbound=inbound, switched=switched, now=now)


def on_message_delivery_changed(sender: type, message: OutboundMessage, **kwargs: Any) -> None:
    flows.message_delivery_changed(message=message)


def on_email_writing(sender: type, message: OutboundMessage, **kwargs: Any) -> EmailMessage | None:
    return flows.email_letter(message=message)


def on_assignment_timed_out(
    sender: type,
    order: Order,
    manager: User,
    minutes: int,
    rerouted_to: User | None,
    **kwargs: Any,
) -> None:
    flows.assignment_timed_out(order=order, manager=manager, minutes=minutes, rerouted_to=rerouted_to)


def on_order_waiting_too_long(
    sender: type, order: Order, minutes: int, why: dict[str, str], **kwargs: Any
) -> None:
    flows.order_waiting_too_long(order=order, minutes=minutes, why=why)


def on_order_event(sender: type, signal: Signal, order: Order, **kwargs: Any) -> None:
    flows.order_announced(order=order, event_type=ANNOUNCED[signal])


def on_claim_event(sender: type, signal: Signal, claim: Claim, **kwargs: Any) -> None:
    flows.order_announced(order=claim.order, event_type=ANNOUNCED[signal])


def on_webhook_failed(sender: type, delivery: WebhookDelivery, **kwargs: Any) -> None:
    flows.webhook_failed(delivery=delivery)


def on_webhook_endpoint_disabled(sender: type, endpoint: WebhookEndpoint, **kwargs: Any) -> None:
    flows.webhook_endpoint_disabled(endpoint=endpoint)


def on_call_arrived(sender: type, call: PhoneCall, now: datetime, **kwargs: Any) -> None:
    flows.customer_calls(call=call, now=now)


def on_call_unanswered(
    sender: type, call: PhoneCall, leg: CallLeg, caller_gone: bool, now: datetime, **kwargs: Any
) -> None:
    flows.call_not_answered(call=call, caller_gone=caller_gone, now=now)


def on_call_outcome_known(sender: type, call: PhoneCall, **kwargs: Any) -> None:
    flows.phone_call_ended(call=call)


def on_logged_out(sender: type, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        flows.user_logged_out(user=user)


def connect() -> None:
    orders.order_created.connect(on_order_created, dispatch_uid="desk.order_created")
    orders.order_status_changed.connect(on_order_status_changed, dispatch_uid="desk.order_status_changed")
    orders.order_touched.connect(on_order_touched, dispatch_uid="desk.order_touched")
    orders.conversation_answered.connect(on_conversation_answered, dispatch_uid="desk.conversation_answered")
    orders.conversation_closed.connect(on_conversation_closed, dispatch_uid="desk.conversation_closed")
    orders.payment_recorded.connect(on_payment_recorded, dispatch_uid="desk.payment_recorded")
    messaging.customer_replied.connect(on_customer_replied, dispatch_uid="desk.customer_replied")
    messaging.message_delivery_changed.connect(on_message_delivery_changed, dispatch_uid="desk.delivery_changed")
    messaging.email_writing.connect(on_email_writing, dispatch_uid="desk.email_writing")
    routing.assignment_timed_out.connect(on_assignment_timed_out, dispatch_uid="desk.assignment_timed_out")
    routing.order_waiting_too_long.connect(on_order_waiting_too_long, dispatch_uid="desk.order_waiting_too_long")
    user_logged_out.connect(on_logged_out, dispatch_uid="desk.logged_out")
    calls.call_arrived.connect(on_call_arrived, dispatch_uid="desk.call_arrived")
    calls.call_unanswered.connect(on_call_unanswered, dispatch_uid="desk.call_unanswered")
    calls.call_outcome_known.connect(on_call_outcome_known, dispatch_uid="desk.call_outcome_known")
    for signal, event_type in ANNOUNCED.items():
        receiver = on_claim_event if event_type.startswith("claim.") else on_order_event
        signal.connect(receiver, dispatch_uid=f"desk.webhooks.{event_type}")
    webhooks.delivery_failed.connect(on_webhook_failed, dispatch_uid="desk.webhook_failed")
    webhooks.endpoint_disabled.connect(on_webhook_endpoint_disabled, dispatch_uid="desk.webhook_endpoint_disabled")
