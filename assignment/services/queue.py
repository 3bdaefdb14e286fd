"""The unassigned queue: served in the desk's priority on every capacity event and every minute; orders that
wait too long with nobody able to take them are reported to supervisors."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from assignment import signals
from assignment.models import QueueAlert, RoutingSettings
from assignment.routing import survey
from assignment.services.routing import order_route
from orders.models import Order


def queue_serve(*, limit: int = 200) -> int:
    """Offer waiting orders to managers, in the desk's queue priority; returns how many were assigned."""
    newest_first = RoutingSettings.load().queue_priority == RoutingSettings.QueuePriority.NEWEST
    waiting = (
        Order.objects.filter(manager__isnull=True, is_final=False)
        .order_by("-created_at" if newest_first else "created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(order_route(order_id=pk) is not None for pk in list(waiting))


def queue_serve_after_commit() -> None:
    """Capacity appeared: serve the queue once the change is committed, in a q2 worker."""
    transaction.on_commit(lambda: async_task("assignment.tasks.serve_queue"))


def queue_report_waiting(*, now=None, batch: int = 100) -> int:
    """Tell supervisors, once per order, about orders still waiting after the alert time: nobody could take
    them (away, at quota, not granted). Run after the queue was served."""
    now = now or timezone.now()
    settings = RoutingSettings.load()
    stuck = (
        Order.objects.filter(
            manager__isnull=True,
            is_final=False,
            created_at__lte=now - settings.queue_alert_after,
            queue_alert__isnull=True,
        )
        .select_related("customer", "shop")
        .order_by("created_at")[:batch]
    )
    reported = 0
    for order in stuck:
        try:
            with transaction.atomic():
                QueueAlert.objects.create(order=order)
                why = survey(order, settings, now).excluded
                minutes = round((now - order.created_at).total_seconds() / 60)
                signals.order_waiting_too_long.send(sender=QueueAlert, order=order, minutes=minutes, why=why)
        except IntegrityError:
            continue  # another worker reported it
        reported += 1
    return reported
