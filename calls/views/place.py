"""Click-to-call from the order and customer pages (POST): the desk rings the manager's phone, then the
customer. A refusal keeps the page and says why."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from calls.exceptions import CallRefused, CallUncertain
from calls.services import call_place
from core import roles
from core.http import role_required
from orders.models import Customer, Order
from orders.selectors import customer_get_for_user, order_get_for_user

PLACE_CALLS = _("Only managers and supervisors call customers through the desk.")


class CallPlaceForm(forms.Form):
    order = forms.IntegerField(required=False, min_value=1)
    customer = forms.IntegerField(required=False, min_value=1)
    night_confirmed = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean() or {}
        if not data.get("order") and not data.get("customer"):
            raise forms.ValidationError(gettext("Say whom to call: an order or a customer."))
        return data


def _may_call(user, *, order: Order | None, customer: Customer) -> bool:
    """A manager calls about the orders they hold (from a customer's page: a customer they are responsible for,
    or whose open order they hold); supervisors, anyone within their scope."""
    if roles.is_supervisor(user):
        return True
    if order is not None:
        return order.manager_id == user.pk
    return (
        customer.responsible_manager_id == user.pk or customer.orders.filter(manager=user, is_final=False).exists()
    )


@require_POST
@role_required(roles.can_place_calls, PLACE_CALLS)
def call_place_view(request):
    form = CallPlaceForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied(gettext("Say whom to call: an order or a customer."))
    order = (
        order_get_for_user(user=request.user, pk=form.cleaned_data["order"])
        if form.cleaned_data["order"]
        else None
    )
    customer = (
        order.customer if order else customer_get_for_user(user=request.user, pk=form.cleaned_data["customer"])
    )
    page = redirect("orders:detail", pk=order.pk) if order else redirect("orders:customer", pk=customer.pk)
    if not _may_call(request.user, order=order, customer=customer):
        raise PermissionDenied(gettext("Only the order's manager (or a supervisor) calls this customer."))
    try:
        call_place(
            order=order,
            customer=customer,
            manager=request.user,
            night_confirmed=form.cleaned_data["night_confirmed"],
        )
    except CallUncertain as exc:
        messages.warning(request, str(exc))
        return page
    except CallRefused as exc:
        messages.error(request, str(exc))
        return page
    messages.success(
        request,
        gettext("Calling %(name)s: your phone rings first; answer it and the desk dials the customer.")
        % {"name": customer.name or customer.phone},
    )
    return page
