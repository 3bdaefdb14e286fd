"""django-q2 entry points for routing."""

from assignment.services import queue_serve


def serve_queue() -> int:
    """After capacity appears, and every minute as a safety net (and to end sticky waits)."""
    return queue_serve()
