from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from core import roles


def redirect_back(request, *fallback, **fallback_kwargs):
    """Back to the page a form came from (its `next` field) when that is on this site, else to `fallback`
    (anything `redirect` takes)."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(*fallback, **fallback_kwargs)


def order_workers_only(view):
    """Statuses, calls, notes and tasks are for managers and supervisors; inspectors read orders only."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.can_work_orders(request.user):
            raise PermissionDenied("Inspectors read orders; managers and supervisors work them.")
        return view(request, *args, **kwargs)

    return wrapped


def form_errors(form) -> str:
    """A form's errors as one message, each prefixed with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: "
        parts += [f"{label}{error}" for error in errors]
    return " ".join(parts)
