from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assignment.exceptions import AssignmentRefused
from assignment.forms import PresenceForm
from assignment.models import Presence
from assignment.selectors import team_load
from assignment.services import order_take, presence_set
from orders import roles
from orders.http import redirect_back
from orders.selectors import (
    order_get_for_user,
    order_list_overdue,
    order_list_waiting,
    status_by_code,
    task_list_overdue_for_team,
)
from orders.views.orders import bulk_reassign_form

# What a manager is told after switching their presence.
PRESENCE_SAID: dict[str, str] = {
    Presence.FREE: "You are free: new orders come to you.",
    Presence.BUSY: "You are busy: new orders go to others for now.",
    Presence.LUNCH: "You are on lunch.",
    Presence.BREAK: "You are on a break.",
    Presence.OFFLINE: "You are offline.",
}


def dashboard_view(request):
    """The supervisor's view of what needs a person now: overdue orders and the unassigned queue."""
    if not roles.is_supervisor(request.user):
        raise PermissionDenied("The dashboard is for supervisors.")
    now = timezone.now()
    return render(
        request,
        "assignment/dashboard.html",
        {
            "overdue": order_list_overdue(user=request.user),
            "unassigned": order_list_waiting(user=request.user),
            "statuses": status_by_code(),
            "team": team_load(user=request.user, now=now),
            "overdue_tasks": task_list_overdue_for_team(user=request.user, now=now),
            "now": now,
            "bulk_form": bulk_reassign_form(request),
        },
    )


@require_POST
def presence_view(request):
    if not roles.is_manager(request.user):
        raise PermissionDenied("Only managers have a presence.")
    form = PresenceForm(request.POST)
    if form.is_valid():
        profile = presence_set(user=request.user, presence=form.cleaned_data["presence"])
        messages.success(request, PRESENCE_SAID[profile.presence])
    else:
        messages.error(request, "Choose Free, Busy, Lunch, Break or Offline.")
    return redirect_back(request, "orders:list")


@require_POST
def order_take_view(request, pk: int):
    """ "Take it" on the queue: a manager takes a waiting order they are granted, if they have room."""
    if not roles.is_manager(request.user):
        raise PermissionDenied("Only managers take orders from the queue.")
    order = order_get_for_user(user=request.user, pk=pk)
    try:
        order_take(order_id=order.pk, user=request.user)
    except AssignmentRefused as exc:
        messages.error(request, str(exc))
        return redirect_back(request, "orders:list")
    messages.success(request, f"Order {order.number} is yours.")
    return redirect("orders:detail", pk=order.pk)
