"""The few domain events the orders core announces. Sent only by orders services, inside the transaction of
the change. The desk's pipeline (desk/receivers.py) connects the flows to them; other apps' receivers are
optional side effects only (the bell, a customer's data export or anonymisation)."""

from django.dispatch import Signal

# order, taken_by (the manager who typed it in and takes it, or None: routing decides)
order_created = Signal()
# order, previous (status code), by (user or None)
order_status_changed = Signal()
# order, previous, manager (users or None), by (user or None: routing), reason, accept_by (routing's deadline to
# take it up, or None): the order changed hands
order_manager_changed = Signal()
# conversation, previous, manager (users or None), by (user or None: routing), reason: it changed hands
conversation_manager_changed = Signal()
# order, by: a person worked on the order (status change, call, note, task)
order_touched = Signal()
# conversation, by: staff answered the customer in a conversation
conversation_answered = Signal()
# conversation, by: a conversation was closed (its manager has room for one more)
conversation_closed = Signal()
# order, amount
payment_failed = Signal()
# order, event (its payment history line), state (the payment state it left), amount, payment_id: a payment was
# recorded (sent once per payment: a storefront's retry of one already recorded sends nothing)
payment_recorded = Signal()
# order, by: an open order's items or delivery details were changed (orders.services.order_edit)
order_edited = Signal()
# order, event (a DeliveryEvent): a carrier's new report was recorded
delivery_recorded = Signal()
# order, rating: the customer's rating was recorded
order_rated = Signal()
# orders (list): orders whose status clock has just run out
orders_overdue = Signal()
# orders (list): orders overdue past the grace period
orders_escalated = Signal()
# tasks (list): tasks that have just fallen due, each to be reminded once
tasks_due = Signal()
# order, misses: the no-answer ladder ran out and the matrix does not let the order be cancelled
customer_unreachable = Signal()
# order, text: a carrier's report would move the order somewhere the matrix does not allow; its manager decides
delivery_step_refused = Signal()
# customer: a copy of everything the desk holds about them is asked for; receivers return {"section": data}
customer_data_requested = Signal()
# customer: the customer was anonymised on request; receivers remove what they hold that names them
customer_anonymised = Signal()
