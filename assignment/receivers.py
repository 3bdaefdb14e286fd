from django.contrib.auth.signals import user_logged_out

from assignment.models import ManagerProfile, Presence
from assignment.services import assignment_accept, order_route, order_take, presence_set, queue_serve_after_commit
from orders import signals


def on_logged_out(sender, request, user, **kwargs):
    """A manager who logs out receives no new orders."""
    if user is not None and ManagerProfile.objects.filter(user=user).exists():
        presence_set(user=user, presence=Presence.OFFLINE, reason="logged out")


def on_order_created(sender, order, taken_by=None, **kwargs):
    """Route at once, in the same request, so the storefront's answer names the manager; an order a manager typed
    in and takes goes to them through the same locks (AssignmentRefused, e.g. at quota, undoes the order)."""
    if taken_by is not None:
        order_take(order_id=order.pk, user=taken_by, how="typed it in and took it")
    else:
        order_route(new_order=order)


def on_order_status_changed(sender, order, previous, **kwargs):
    if order.is_final and order.manager_id:  # the manager has room again
        queue_serve_after_commit()


def on_order_touched(sender, order, by, **kwargs):
    """A status change, call, note or task by the assigned manager stops the acceptance clock."""
    assignment_accept(order=order, by=by)


def connect() -> None:
    user_logged_out.connect(on_logged_out, dispatch_uid="assignment.logged_out")
    signals.order_created.connect(on_order_created, dispatch_uid="assignment.order_created")
    signals.order_status_changed.connect(on_order_status_changed, dispatch_uid="assignment.order_status_changed")
    signals.order_touched.connect(on_order_touched, dispatch_uid="assignment.order_touched")
