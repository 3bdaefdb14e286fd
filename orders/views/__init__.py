"""The orders pages: thin views that parse a form, call a service or selector, and render."""

from orders.views.customers import customer_detail_view, customer_edit_view, customer_responsible_view
from orders.views.editing import order_edit_view
from orders.views.followup import next_view, order_call_view, task_create_view, task_done_view
from orders.views.new_order import order_new_customer_view, order_new_view
from orders.views.orders import (
    order_detail_view,
    order_list_view,
    order_note_view,
    order_reassign_view,
    order_status_view,
    orders_bulk_reassign_view,
)

__all__ = [
    "customer_detail_view",
    "customer_edit_view",
    "customer_responsible_view",
    "next_view",
    "order_call_view",
    "order_detail_view",
    "order_edit_view",
    "order_list_view",
    "order_new_customer_view",
    "order_new_view",
    "order_note_view",
    "order_reassign_view",
    "order_status_view",
    "orders_bulk_reassign_view",
    "task_create_view",
    "task_done_view",
]
