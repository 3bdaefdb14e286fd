"""An order a customer phones in, typed in by a manager or supervisor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from core import roles
from core.exceptions import DeskError
from core.http import role_required
from core.people import staff_name
from orders.forms import NewOrderForm, OrderItemFormSet
from orders.phones import phone_normalize
from orders.selectors import customer_find, shop_scope, status_by_code
from orders.services import order_create
from orders.views.orders import WORK_ORDERS


@role_required(roles.can_work_orders, WORK_ORDERS)
def order_new_view(request):
    shops = shop_scope(request.user)
    form = NewOrderForm(request.POST or None, shops=shops, user=request.user, initial={"shop": shops.first()})
    items = OrderItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = items.kept_rows()
        try:
            order, _ = order_create(**form.service_kwargs(items=rows, by=request.user))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except DeskError as exc:  # e.g. "I'll take it" at quota: the whole order was undone
            messages.error(request, gettext("%(error)s The order was not saved.") % {"error": exc})
        else:
            order.refresh_from_db()
            if order.manager is None:
                created = gettext("Order %(number)s created; it is with nobody yet: it waits in the queue.")
            else:
                created = gettext("Order %(number)s created; it is with %(manager)s.")
            messages.success(request, created % {"number": order.number, "manager": staff_name(order.manager)})
            return redirect("orders:detail", pk=order.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/order_new.html", {"form": form, "items": items}, status=status)


@role_required(roles.can_work_orders, WORK_ORDERS)
def order_new_customer_view(request):
    """The known customer for the phone or email being typed (a fragment the new order page shows)."""
    phone = request.GET.get("phone", "").strip()
    try:
        phone = phone_normalize(phone) if phone else ""
    except ValidationError:
        phone = ""
    email = request.GET.get("email", "").strip()
    shop_id = request.GET.get("shop", "")
    known = customer_find(
        user=request.user, shop_id=int(shop_id) if shop_id.isdigit() else 0, phone=phone, email=email
    )
    return render(request, "orders/_known_customer.html", {"known": known, "statuses": status_by_code()})
