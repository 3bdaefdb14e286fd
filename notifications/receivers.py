"""The bell's receivers of the orders core's domain signals: optional side effects that only tell people (and
the customer's messages in a data export or anonymisation). The flows that change orders, tasks and the outbox
are the desk's pipeline (desk/flows.py)."""

from anymail.signals import inbound as anymail_inbound
from django.urls import reverse
from django.utils.translation import gettext_noop

from core.people import staff_name
from core.phrases import Moment, Money, Phrase, label, phrase, plural_noop, stored
from notifications.models import Notification
from notifications.selectors import customer_messages_export
from notifications.services import (
    conversation_link,
    customer_messages_forget,
    email_receive,
    notification_create,
    notifications_about_orders,
    notifications_create_many,
    notifications_mark_read,
    order_link,
)
from orders import signals
from orders.selectors import status_by_code, status_name


def on_orders_overdue(sender, orders, **kwargs):
    statuses = status_by_code()
    notifications_about_orders(
        orders,
        kind=Notification.Kind.OVERDUE,
        text_for=lambda order: phrase(
            gettext_noop("Order %(number)s is overdue in status %(status)s."),
            number=order.number,
            status=status_name(order.status, statuses),
        ),
        to_manager=True,
    )


def on_orders_escalated(sender, orders, **kwargs):
    statuses = status_by_code()
    notifications_about_orders(
        orders,
        kind=Notification.Kind.ESCALATION,
        text_for=lambda order: phrase(
            gettext_noop("Order %(number)s is still overdue in status %(status)s."),
            number=order.number,
            status=status_name(order.status, statuses),
        ),
        to_manager=False,
    )


def on_payment_failed(sender, order, amount, **kwargs):
    notifications_about_orders(
        [order],
        kind=Notification.Kind.PAYMENT_FAILED,
        text_for=lambda order: phrase(
            gettext_noop("Payment of %(amount)s failed for order %(number)s: call the customer."),
            amount=Money(amount, order.shop.currency),
            number=order.number,
        ),
        to_manager=True,
    )


def on_order_manager_changed(sender, order, previous, manager, by, reason, accept_by, **kwargs):
    """Tell a manager an order is now theirs (and, from routing, by when to take it up); tell the one who lost it,
    and take their "this order is yours" off the bell so it never points at an order no longer theirs."""
    link = order_link(order)
    if previous is not None and previous != manager:
        notifications_mark_read(recipient=previous, kind=Notification.Kind.ASSIGNED, link=link)
        if previous != by:
            if manager is None:
                lost = phrase(gettext_noop("Order %(number)s was taken back"), number=order.number)
            else:
                lost = phrase(
                    gettext_noop("Order %(number)s went to %(name)s"),
                    number=order.number,
                    name=staff_name(manager),
                )
            notification_create(
                recipient=previous, kind=Notification.Kind.INFO, text=_why(lost, reason)
            )  # no link: the order is no longer theirs to open
    if manager is None or manager == by:
        return
    if by is None:
        text = _why(phrase(gettext_noop("Order %(number)s is yours"), number=order.number), reason)
        if accept_by:
            text = phrase(
                gettext_noop("%(line)s Take it up by %(time)s."), line=text, time=Moment(accept_by, time_only=True)
            )
    else:
        text = _why(
            phrase(gettext_noop("%(name)s handed you order %(number)s"), name=staff_name(by), number=order.number),
            reason,
        )
    notification_create(recipient=manager, kind=Notification.Kind.ASSIGNED, text=text, link=link)


def on_conversation_manager_changed(sender, conversation, previous, manager, by, reason, **kwargs):
    """Tell a manager a conversation is now theirs, and take "it is yours" off the bell of the one who lost it."""
    link = conversation_link(conversation)
    if previous is not None and previous != manager:
        notifications_mark_read(recipient=previous, kind=Notification.Kind.ASSIGNED, link=link)
    if manager is None or manager == by:
        return
    customer = str(conversation.customer)
    if by is None:
        line = phrase(gettext_noop("The conversation with %(customer)s is yours"), customer=customer)
    else:
        line = phrase(
            gettext_noop("%(name)s handed you the conversation with %(customer)s"),
            name=staff_name(by),
            customer=customer,
        )
    notification_create(recipient=manager, kind=Notification.Kind.ASSIGNED, text=_why(line, reason), link=link)


def _why(line: Phrase, reason: Phrase | str) -> Phrase:
    """A notice with its reason after it, or a full stop."""
    if reason:
        return phrase(gettext_noop("%(line)s: %(reason)s."), line=line, reason=reason)
    return phrase(gettext_noop("%(line)s."), line=line)


def on_tasks_due(sender, tasks, **kwargs):
    messages = []
    for task in tasks:
        said = {"kind": label(task.get_kind_display()), "text": stored(task.phrase, task.text)}
        if task.order_id:
            text = phrase(
                gettext_noop("%(kind)s due now (order %(number)s): %(text)s"), number=task.order.number, **said
            )
        else:
            text = phrase(gettext_noop("%(kind)s due now (%(name)s): %(text)s"), name=task.customer.name, **said)
        link = order_link(task.order) if task.order_id else reverse("orders:list")
        messages.append((task.assignee_id, text, link))
    notifications_create_many(kind=Notification.Kind.REMINDER, messages=messages)


def on_customer_unreachable(sender, order, misses, **kwargs):
    notifications_about_orders(
        [order],
        kind=Notification.Kind.ESCALATION,
        text_for=lambda order: phrase(
            *plural_noop(
                "Order %(number)s: the customer did not answer %(count)s call and the order cannot be cancelled "
                "from %(status)s. Decide what happens next.",
                "Order %(number)s: the customer did not answer %(count)s calls and the order cannot be cancelled "
                "from %(status)s. Decide what happens next.",
            ),
            number=order.number,
            count=misses,
            status=status_name(order.status),
        ),
        to_manager=False,
    )


def on_delivery_step_refused(sender, order, text, **kwargs):
    notifications_about_orders(
        [order],
        kind=Notification.Kind.INFO,
        text_for=lambda order: phrase(gettext_noop("Order %(number)s: %(text)s"), number=order.number, text=text),
        to_manager=True,
    )


def on_email_inbound(sender, event, esp_name, **kwargs):
    """A customer's email from a provider's inbound webhook (django-anymail checked its signature or secret)."""
    message = event.message
    email_receive(letter=message, recipients=[message.envelope_recipient or ""])


def connect() -> None:
    anymail_inbound.connect(on_email_inbound, dispatch_uid="notifications.email_inbound")
    signals.customer_data_requested.connect(on_customer_data_requested, dispatch_uid="notifications.export")
    signals.customer_anonymised.connect(on_customer_anonymised, dispatch_uid="notifications.anonymised")
    signals.orders_overdue.connect(on_orders_overdue, dispatch_uid="notifications.orders_overdue")
    signals.orders_escalated.connect(on_orders_escalated, dispatch_uid="notifications.orders_escalated")
    signals.payment_failed.connect(on_payment_failed, dispatch_uid="notifications.payment_failed")
    signals.order_manager_changed.connect(on_order_manager_changed, dispatch_uid="notifications.manager_changed")
    signals.conversation_manager_changed.connect(
        on_conversation_manager_changed, dispatch_uid="notifications.conversation_manager_changed"
    )
    signals.tasks_due.connect(on_tasks_due, dispatch_uid="notifications.tasks_due")
    signals.delivery_step_refused.connect(on_delivery_step_refused, dispatch_uid="notifications.delivery_refused")
    signals.customer_unreachable.connect(
        on_customer_unreachable, dispatch_uid="notifications.customer_unreachable"
    )


def on_customer_data_requested(sender, customer, **kwargs):
    return {"messages": customer_messages_export(customer=customer)}


def on_customer_anonymised(sender, customer, **kwargs):
    customer_messages_forget(customer=customer)
