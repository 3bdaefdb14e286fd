"""The HTTP helpers every app's views use: the one access rule for a view, going back to the page a form came
from, a form's errors as one message."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme

from core.roles import Person

View = Callable[..., HttpResponse]


def role_required(predicate: Callable[[Person], bool], message: str | Promise) -> Callable[[View], View]:
    """The view is for the people `predicate` (a `core.roles.can_…`) admits; anyone else gets the 403 page,
    which says `message` (translatable: `gettext_lazy`). The predicate stays on the view as `access_rule`, so a
    test can read every view's rule from the URLconf."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        wrapped.access_rule = predicate  # type: ignore[attr-defined]
        return wrapped

    return decorate


def redirect_back(request: HttpRequest, *fallback: Any, **fallback_kwargs: Any) -> HttpResponse:
    """Back to the page a form came from (its `next` field) when that is on this site, else to `fallback`
    (anything `redirect` takes)."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    response: HttpResponse = redirect(*fallback, **fallback_kwargs)
    return response


def form_errors(form: BaseForm) -> str:
    """A form's errors as one message, each prefixed with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: "
        parts += [f"{label}{error}" for error in errors]
    return " ".join(parts)
