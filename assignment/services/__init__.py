"""Routing's writes, one module per job; the public names stay importable from `assignment.services`."""

from assignment.services.presence import (
    SEEN_EVERY,
    presence_logged_out,
    presence_note_activity,
    presence_set,
    presences_expire_idle,
    profile_get_or_create,
)
from assignment.services.queue import queue_report_waiting, queue_serve, queue_serve_after_commit
from assignment.services.routing import order_route, order_take
from assignment.services.timeouts import assignment_accept, assignments_expire

__all__ = [
    "SEEN_EVERY",
    "assignment_accept",
    "assignments_expire",
    "order_route",
    "order_take",
    "presence_logged_out",
    "presence_note_activity",
    "presence_set",
    "presences_expire_idle",
    "profile_get_or_create",
    "queue_report_waiting",
    "queue_serve",
    "queue_serve_after_commit",
]
