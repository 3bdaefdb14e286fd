"""How feedback hears about orders and messages."""

from feedback.selectors import feedback_export
from feedback.services import feedback_forget, feedback_letter, feedback_on_delivery, feedback_plan, reply_receive
from notifications import signals as messaging
from orders import signals
from orders.models import Status


def on_order_status_changed(sender, order, previous, **kwargs):
    if order.is_final and Status.objects.filter(code=order.status, group=Status.Group.COMPLETE).exists():
        feedback_plan(order=order)


def on_customer_replied(sender, inbound, **kwargs) -> bool:
    return reply_receive(inbound=inbound)


def on_message_delivery_changed(sender, message, previous, **kwargs):
    feedback_on_delivery(message=message)


def on_email_writing(sender, message, **kwargs):
    return feedback_letter(message=message)


def connect() -> None:
    signals.order_status_changed.connect(on_order_status_changed, dispatch_uid="feedback.status_changed")
    messaging.customer_replied.connect(on_customer_replied, dispatch_uid="feedback.customer_replied")
    messaging.message_delivery_changed.connect(on_message_delivery_changed, dispatch_uid="feedback.delivery")
    messaging.email_writing.connect(on_email_writing, dispatch_uid="feedback.email_writing")
    signals.customer_data_requested.connect(on_customer_data_requested, dispatch_uid="feedback.export")
    signals.customer_anonymised.connect(on_customer_anonymised, dispatch_uid="feedback.anonymised")


def on_customer_data_requested(sender, customer, **kwargs):
    return {"feedback": feedback_export(customer=customer)}


def on_customer_anonymised(sender, customer, **kwargs):
    feedback_forget(customer=customer)
