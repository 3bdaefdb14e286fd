"""The one status-change path: the matrix (the django-fsm transition), the clock, history and the news."""

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orders import signals
from orders.exceptions import StaleOrder, StatusChangeRefused
from orders.models import Order, OrderEvent, Status, Task
from orders.services.clocks import CLOCK_FIELDS, clock_start
from orders.services.orders import order_event_add


def order_change_status(
    *, order: Order, target: str, by=None, expected_status: str | None = None, reason: str = ""
) -> Order:
    """The one status-change path: matrix check (django-fsm), clock reset, overdue cleared, history, and
    the news to other apps, all in one transaction. `expected_status` is the status the person saw; if the
    order moved meanwhile, the change is refused instead of silently overriding a colleague."""
    if expected_status is not None and order.status != expected_status:
        raise StaleOrder("The order changed since you opened it; reload the page and check its status.")
    target_status = Status.objects.filter(code=target).first()
    if target_status is None:
        raise StatusChangeRefused(f"Unknown status {target!r}.")
    if target_status.group == Status.Group.CANCEL and not reason and by is not None:
        raise StatusChangeRefused("Give a reason to cancel the order.")
    previous = order.status
    now = timezone.now()
    try:
        with transaction.atomic():
            order.change_status(target, by=by)
            clock_start(order, target_status, now)
            if target_status.group == Status.Group.CANCEL:
                order.cancel_reason = reason
            if target_status.is_final:  # a closed order has no next step to take
                Task.objects.filter(order=order, done_at__isnull=True).update(done_at=now, done_by=by)
            # Only what a status change owns: a manager assigned meanwhile must not be overwritten.
            order.save(update_fields=[*CLOCK_FIELDS, "status", "cancel_reason", "updated_at"])
            text = f"Status {previous} → {target}" + (f": {reason}" if reason else "")
            order_event_add(
                order=order,
                kind=OrderEvent.Kind.STATUS,
                actor=by,
                text=text,
                data={"from": previous, "to": target, "reason": reason},
            )
            signals.order_status_changed.send(sender=Order, order=order, previous=previous, by=by)
            if by is not None:
                signals.order_touched.send(sender=Order, order=order, by=by)
    except TransitionNotAllowed as exc:
        order.refresh_from_db()
        raise StatusChangeRefused(str(exc)) from exc
    except ConcurrentTransition as exc:
        order.refresh_from_db()
        raise StaleOrder("Someone changed this order's status at the same moment; reload and check.") from exc
    return order
