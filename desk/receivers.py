"""The one place the apps' domain signals are connected to the desk's flows. Each receiver only hands the signal's
arguments to its flow in desk/flows.py, where the steps and their order are written down."""

from django.contrib.auth.signals import user_logged_out

from assignment import signals as routing
from desk import flows
from notifications import signals as messaging
from orders import signals as orders


def on_order_created(sender, order, taken_by=None, **kwargs) -> None:
    flows.order_arrived(order=order, taken_by=taken_by)


def on_order_status_changed(sender, order, **kwargs) -> None:
    flows.order_moved(order=order)


def on_order_touched(sender, order, by, **kwargs) -> None:
    flows.order_worked_on(order=order, by=by)


def on_customer_replied(sender, inbound, switched=False, now=None, **kwargs) -> None:
    flows.customer_wrote(inbound=inbound, switched=switched, now=now)


def on_message_delivery_changed(sender, message, **kwargs) -> None:
    flows.message_delivery_changed(message=message)


def on_email_writing(sender, message, **kwargs):
    return flows.email_letter(message=message)


def on_assignment_timed_out(sender, order, manager, minutes, rerouted_to, **kwargs) -> None:
    flows.assignment_timed_out(order=order, manager=manager, minutes=minutes, rerouted_to=rerouted_to)


def on_order_waiting_too_long(sender, order, minutes, why, **kwargs) -> None:
    flows.order_waiting_too_long(order=order, minutes=minutes, why=why)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        flows.user_logged_out(user=user)


def connect() -> None:
    orders.order_created.connect(on_order_created, dispatch_uid="desk.order_created")
    orders.order_status_changed.connect(on_order_status_changed, dispatch_uid="desk.order_status_changed")
    orders.order_touched.connect(on_order_touched, dispatch_uid="desk.order_touched")
    messaging.customer_replied.connect(on_customer_replied, dispatch_uid="desk.customer_replied")
    messaging.message_delivery_changed.connect(on_message_delivery_changed, dispatch_uid="desk.delivery_changed")
    messaging.email_writing.connect(on_email_writing, dispatch_uid="desk.email_writing")
    routing.assignment_timed_out.connect(on_assignment_timed_out, dispatch_uid="desk.assignment_timed_out")
    routing.order_waiting_too_long.connect(on_order_waiting_too_long, dispatch_uid="desk.order_waiting_too_long")
    user_logged_out.connect(on_logged_out, dispatch_uid="desk.logged_out")
