"""django-q2 entry points for routing."""

from assignment.services import assignments_expire, presences_expire_idle, queue_report_waiting, queue_serve


def serve_queue() -> dict:
    """After capacity appears, and every minute as a safety net: managers whose session expired go Offline,
    orders not taken up in time are rerouted, sticky waits end, the queue is served, and supervisors hear of
    orders still waiting past the alert time."""
    return {
        "set_offline": presences_expire_idle(),
        "timed_out": assignments_expire(),
        "assigned": queue_serve(),
        "reported": queue_report_waiting(),
    }


def route_waiting() -> int:
    """Capacity appeared: one of the routers that serve the queue at once (queue_serve_after_commit)."""
    return queue_serve()
