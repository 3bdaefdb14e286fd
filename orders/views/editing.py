"""Editing an open order: items, delivery and tracking, comment."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from core import roles
from core.exceptions import DeskError
from core.http import role_required
from orders.forms import EditItemFormSet, EditOrderForm
from orders.selectors import order_get_for_user
from orders.services import order_edit
from orders.views.orders import WORK_ORDERS


@role_required(roles.can_work_orders, WORK_ORDERS)
def order_edit_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    if order.is_final:
        messages.error(request, gettext("The order is closed: it can no longer be changed."))
        return redirect("orders:detail", pk=pk)
    initial_items = [
        {"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()
    ]
    form = EditOrderForm(request.POST or None, initial=EditOrderForm.initial_for(order), zone=order.shop.zone)
    items = EditItemFormSet(request.POST or None, prefix="items", initial=initial_items)
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = items.kept_rows()
        try:
            lines = order_edit(order=order, by=request.user, items=rows, **form.service_kwargs())
        except DeskError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("Saved: %(changes)s.") % {"changes": "; ".join(lines)}
                if lines
                else gettext("Nothing was changed."),
            )
            return redirect("orders:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/order_edit.html", {"order": order, "form": form, "items": items}, status=status)
