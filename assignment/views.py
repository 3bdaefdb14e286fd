from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from orders import roles
from orders.selectors import order_scope, statuses_by_code


def dashboard_view(request):
    """The supervisor's view of what needs a person now: overdue orders and the unassigned queue."""
    if not roles.is_supervisor(request.user):
        raise PermissionDenied("The dashboard is for supervisors.")
    visible = order_scope(request.user).select_related("shop", "customer", "manager")
    return render(
        request,
        "assignment/dashboard.html",
        {
            "overdue": visible.filter(is_overdue=True, is_final=False).order_by("overdue_since")[:20],
            "unassigned": visible.filter(manager__isnull=True, is_final=False).order_by("created_at")[:20],
            "statuses": statuses_by_code(),
        },
    )
