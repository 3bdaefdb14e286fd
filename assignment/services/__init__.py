"""Routing's writes, one module per job; the public names stay importable from `assignment.services`."""

from assignment.services.calls import call_back_pick, call_ring_pick, managers_on_call
from assignment.services.presence import (
    SEEN_EVERY,
    presence_logged_out,
    presence_note_activity,
    presence_set,
    presences_expire_idle,
    profile_auto_dial_set,
    profile_get_or_create,
)
from assignment.services.queue import queue_report_waiting, queue_serve, queue_serve_after_commit
from assignment.services.routing import conversation_route, conversation_take, order_route, order_take
from assignment.services.timeouts import assignment_accept, assignments_expire

# A supervisor's hand-over of conversations lives beside the orders' (orders.services.hands: the same refusals,
# the same history line); named here too, with routing's other services for conversations.
from orders.services import conversations_reassign

__all__ = [
    "SEEN_EVERY",
    "assignment_accept",
    "assignments_expire",
    "call_back_pick",
    "call_ring_pick",
    "conversation_route",
    "conversation_take",
    "conversations_reassign",
    "managers_on_call",
    "order_route",
    "order_take",
    "presence_logged_out",
    "presence_note_activity",
    "presence_set",
    "presences_expire_idle",
    "profile_auto_dial_set",
    "profile_get_or_create",
    "queue_report_waiting",
    "queue_serve",
    "queue_serve_after_commit",
]
