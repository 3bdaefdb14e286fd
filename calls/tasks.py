"""django-q2 entry points of the calls app: each only calls a service."""

from calls.services import call_place_auto


def place_call(order_id: int, manager_id: int) -> int | None:
    """Auto-dial's call for an order that entered a calling status (placed after the move was committed)."""
    call = call_place_auto(order_id=order_id, manager_id=manager_id)
    return call.pk if call is not None else None
