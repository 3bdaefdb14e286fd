"""The orders core's writes, one module per job, each write one transaction; the public names stay importable
from `orders.services`."""

from orders.services.calendar import (
    PRODUCTION_CALENDAR_RU,
    CalendarImport,
    CalendarLine,
    production_calendar_parse,
    shop_days_import,
)
from orders.services.clocks import (
    CLOCK_FIELDS,
    clock_start,
    orders_escalate_overdue,
    orders_flag_overdue,
    status_clocks_rederive,
    status_deadline,
)
from orders.services.conversation_work import (
    CLOSE_REASONS,
    conversation_close,
    conversation_event_add,
    conversation_link_order,
    conversation_read,
    conversation_replied,
)
from orders.services.conversations import conversation_join, customer_for_contact
from orders.services.customer_data import customer_anonymise, customer_export
from orders.services.customers import customer_set_responsible, customer_update, customer_upsert
from orders.services.delivery import order_record_delivery
from orders.services.editing import order_edit
from orders.services.followup import (
    PAST_DUE_TOLERANCE,
    CallResult,
    ladder_renumber,
    order_record_call,
    task_complete,
    task_create,
    tasks_remind_due,
)
from orders.services.hands import (
    conversation_set_manager,
    conversation_take_back,
    conversations_reassign,
    order_set_manager,
    order_take_back,
    orders_reassign,
)
from orders.services.matrix import matrix_save, order_change_status
from orders.services.orders import (
    SLOT_FIELDS,
    order_add_note,
    order_create,
    order_event_add,
    order_record_message,
    order_record_payment,
    order_record_rating,
)
from orders.services.phone_calls import phone_calls_called_back
from orders.services.shops import api_key_authenticate, api_key_revoke, api_rate_take, shop_issue_api_key

__all__ = [
    "phone_calls_called_back",
    "SLOT_FIELDS",
    "CLOSE_REASONS",
    "conversation_close",
    "conversation_event_add",
    "conversation_link_order",
    "conversation_read",
    "conversation_replied",
    "conversation_set_manager",
    "conversation_take_back",
    "conversations_reassign",
    "CalendarImport",
    "CalendarLine",
    "PRODUCTION_CALENDAR_RU",
    "production_calendar_parse",
    "shop_days_import",
    "CLOCK_FIELDS",
    "PAST_DUE_TOLERANCE",
    "CallResult",
    "clock_start",
    "conversation_join",
    "customer_for_contact",
    "ladder_renumber",
    "matrix_save",
    "customer_anonymise",
    "customer_export",
    "customer_set_responsible",
    "customer_update",
    "customer_upsert",
    "order_add_note",
    "order_record_message",
    "order_change_status",
    "order_create",
    "order_edit",
    "order_event_add",
    "order_record_call",
    "phone_calls_called_back",
    "order_record_delivery",
    "order_record_payment",
    "order_record_rating",
    "order_set_manager",
    "order_take_back",
    "orders_reassign",
    "orders_escalate_overdue",
    "orders_flag_overdue",
    "shop_issue_api_key",
    "api_key_authenticate",
    "api_key_revoke",
    "api_rate_take",
    "status_clocks_rederive",
    "status_deadline",
    "task_complete",
    "task_create",
    "tasks_remind_due",
]
