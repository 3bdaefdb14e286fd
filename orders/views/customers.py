"""The customer page: who they are, their orders in the shop, open tasks, calls and their details' history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import roles
from core.http import form_errors, role_required
from core.pagination import paginate
from core.people import staff_name
from orders.forms import CustomerForm, ReassignForm
from orders.selectors import (
    customer_get_for_user,
    customer_page,
    managers_covering_shop,
    orders_total_title,
    status_by_code,
)
from orders.services import customer_set_responsible, customer_update
from orders.views.orders import WORK_ORDERS


def customer_detail_view(request, pk: int, *, form=None):
    customer = customer_get_for_user(user=request.user, pk=pk)
    page_data = customer_page(customer=customer, user=request.user)
    page = paginate(request, page_data.orders, per_page=20)
    return render(
        request,
        "orders/customer_detail.html",
        {
            "customer": customer,
            "data": page_data,
            "page": page,
            "total_title": orders_total_title(page.total),
            "statuses": status_by_code(),
            "now": timezone.now(),
            "form": form
            or CustomerForm(
                initial={
                    "name": customer.name,
                    "phone": customer.phone,
                    "email": customer.email,
                    "is_vip": customer.is_vip,
                    "timezone": customer.timezone,
                }
            ),
            "responsible_form": (
                ReassignForm(managers=managers_covering_shop(shop_id=customer.shop_id))
                if roles.can_choose_customer_manager(request.user)
                else None
            ),
        },
        status=400 if form is not None else 200,
    )


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def customer_edit_view(request, pk: int):
    customer = customer_get_for_user(user=request.user, pk=pk)
    form = CustomerForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return customer_detail_view(request, pk, form=form)
    try:
        lines = customer_update(customer=customer, by=request.user, **form.cleaned_data)
    except ValidationError as exc:  # e.g. the phone belongs to another customer of the shop
        messages.error(request, " ".join(exc.messages))
        return customer_detail_view(request, pk, form=form)
    messages.success(
        request,
        gettext("Saved: %(changes)s.") % {"changes": "; ".join(lines)}
        if lines
        else gettext("Nothing was changed."),
    )
    return redirect("orders:customer", pk=pk)


@require_POST
@role_required(roles.can_choose_customer_manager, _("Supervisors decide who is a customer's manager."))
def customer_responsible_view(request, pk: int):
    customer = customer_get_for_user(user=request.user, pk=pk)
    form = ReassignForm(request.POST, managers=managers_covering_shop(shop_id=customer.shop_id))
    if form.is_valid():
        customer_set_responsible(customer=customer, manager=form.cleaned_data["manager"], by=request.user)
        messages.success(
            request,
            gettext("%(customer)s's manager is now %(manager)s.")
            % {"customer": customer.name, "manager": staff_name(form.cleaned_data["manager"])},
        )
    else:
        messages.error(request, gettext("Choose one of the shop's managers."))
    return redirect("orders:customer", pk=pk)
