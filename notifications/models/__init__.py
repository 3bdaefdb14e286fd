"""Notifications' data, one module per job; the public names stay importable from `notifications.models`."""

from notifications.models.bell import Notification
from notifications.models.messages import (
    CONTENT_SID,
    Channel,
    InboundAttachment,
    InboundMessage,
    MessageTemplate,
    OptOut,
    OutboundMessage,
)
from notifications.models.triggers import MessagingSettings, OffHoursReply, Trigger, TriggerFiring

__all__ = [
    "CONTENT_SID",
    "Channel",
    "InboundAttachment",
    "InboundMessage",
    "MessageTemplate",
    "MessagingSettings",
    "Notification",
    "OffHoursReply",
    "OptOut",
    "OutboundMessage",
    "Trigger",
    "TriggerFiring",
]
