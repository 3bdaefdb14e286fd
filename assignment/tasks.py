"""django-q2 entry points for routing."""

from assignment.services import assignments_expire, presences_expire_idle, queue_serve


def serve_queue() -> dict:
    """After capacity appears, and every minute as a safety net: managers whose session expired go Offline,
    orders not taken up in time are rerouted, sticky waits end, and the queue is served."""
    return {
        "set_offline": presences_expire_idle(),
        "timed_out": assignments_expire(),
        "assigned": queue_serve(),
    }
