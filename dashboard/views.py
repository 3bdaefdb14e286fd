"""The supervisor's dashboard: what needs a person now, from routing, the orders and the claims together."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import roles
from core.http import role_required
from dashboard.selectors import conversations_waiting, first_rows, missed_calls_not_called_back, team_load
from orders.selectors import (
    order_list_overdue,
    order_list_waiting,
    status_by_code,
    task_list_overdue_for_team,
)
from orders.views.orders import bulk_reassign_form


@role_required(roles.can_see_dashboard, _("The dashboard is for supervisors."))
def dashboard_view(request):
    """The supervisor's view of what needs a person now: overdue orders, the unassigned queue, the missed calls
    not called back in time and the conversations waiting for a reply."""
    now = timezone.now()
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "overdue": first_rows(order_list_overdue(user=request.user, limit=None)),
            "unassigned": first_rows(order_list_waiting(user=request.user, limit=None)),
            "statuses": status_by_code(),
            "team": team_load(user=request.user, now=now),
            "overdue_tasks": first_rows(task_list_overdue_for_team(user=request.user, now=now, limit=None)),
            "conversations": conversations_waiting(user=request.user, now=now),
            "missed_calls": first_rows(missed_calls_not_called_back(user=request.user, now=now)),
            "now": now,
            "bulk_form": bulk_reassign_form(request),
        },
    )
