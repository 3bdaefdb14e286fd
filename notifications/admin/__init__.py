"""Notifications' admin, one module per job; importing the package registers every model."""

from notifications.admin import bell, messages, triggers

__all__ = ["bell", "messages", "triggers"]
