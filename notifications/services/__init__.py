"""Notifications' writes, one module per job; the public names stay importable from `notifications.services`."""

from notifications.services.bell import (
    assignment_timeout_announce,
    conversation_link,
    notification_create,
    notification_mark_read,
    notifications_about_orders,
    notifications_create_many,
    notifications_mark_all_read,
    notifications_mark_read,
    order_link,
    queue_wait_announce,
)
from notifications.services.email_in import email_receive
from notifications.services.inbound import (
    conversation_message_announce,
    inbound_receive,
    inbound_shop,
    inbound_to_conversation,
    message_status_apply,
    reply_announce,
)
from notifications.services.outbox import (
    customer_messages_forget,
    message_preview,
    message_queue,
    message_write,
    outbox_retry,
    outbox_send,
    outbox_send_due,
    whatsapp_window_open,
)
from notifications.services.templates import template_preview
from notifications.services.triggers import (
    firing_due_at,
    off_hours_reply,
    trigger_plan_current,
    triggers_fire_due,
    triggers_on_status_entered,
)

__all__ = [
    "assignment_timeout_announce",
    "conversation_link",
    "conversation_message_announce",
    "customer_messages_forget",
    "email_receive",
    "firing_due_at",
    "inbound_receive",
    "inbound_shop",
    "inbound_to_conversation",
    "message_preview",
    "message_queue",
    "message_status_apply",
    "message_write",
    "notification_create",
    "notification_mark_read",
    "notifications_about_orders",
    "notifications_create_many",
    "notifications_mark_all_read",
    "notifications_mark_read",
    "off_hours_reply",
    "order_link",
    "queue_wait_announce",
    "reply_announce",
    "outbox_retry",
    "outbox_send",
    "outbox_send_due",
    "template_preview",
    "trigger_plan_current",
    "triggers_fire_due",
    "triggers_on_status_entered",
    "whatsapp_window_open",
]
