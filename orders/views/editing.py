"""Editing an open order: items, delivery and tracking, comment."""

from django.contrib import messages
from django.shortcuts import redirect, render

from core.http import order_workers_only
from orders.exceptions import OrderError
from orders.forms import EditItemFormSet, EditOrderForm
from orders.selectors import order_get_for_user
from orders.services import order_edit


@order_workers_only
def order_edit_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    if order.is_final:
        messages.error(request, "The order is closed: it can no longer be changed.")
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
        except OrderError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Saved: " + "; ".join(lines) + "." if lines else "Nothing was changed.")
            return redirect("orders:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/order_edit.html", {"order": order, "form": form, "items": items}, status=status)
