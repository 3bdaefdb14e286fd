"""An order a customer phones in, typed in by a manager or supervisor."""

from contextlib import suppress

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from core import roles
from core.exceptions import DeskError
from core.http import role_required
from core.people import staff_name
from orders.forms import NewOrderForm, OrderItemFormSet
from orders.models import Conversation, Order, Shop
from orders.phones import phone_normalize
from orders.selectors import conversation_get_for_user, customer_find, shop_scope, status_by_code
from orders.services import conversation_link_order, order_create
from orders.views.orders import WORK_ORDERS


def _from_conversation(request) -> Conversation | None:
    """The open conversation the order is made from (`?conversation=<id>`, kept when the form posts), if any."""
    pk = request.GET.get("conversation", "")
    if not pk.isdigit():
        return None
    conversation = conversation_get_for_user(user=request.user, pk=int(pk))
    if conversation.is_closed:
        messages.info(request, gettext("That conversation is closed; this order will not be linked to it."))
        return None
    return conversation


def _asked_for(request, shops) -> dict:
    """`?phone=&shop=` (the caller's card's "New order"): the caller's number and the shop they rang, as the form
    starts; a shop outside the person's scope or a number that is not one is left out, never refused."""
    initial: dict = {"shop": shops.first()}
    shop = request.GET.get("shop", "")
    if shop.isdigit():
        initial["shop"] = shops.filter(pk=int(shop)).first() or initial["shop"]
    with suppress(ValidationError):
        initial["phone"] = phone_normalize(request.GET.get("phone", "").strip())
    return initial


def _prefilled(conversation: Conversation) -> dict:
    """The conversation's customer and shop, as the form starts."""
    customer = conversation.customer
    return {
        "shop": conversation.shop,
        "phone": customer.phone,
        "email": customer.email,
        "name": customer.name,
        "method": Order.Method.CHAT,
    }


@role_required(roles.can_work_orders, WORK_ORDERS)
def order_new_view(request):
    """A new order typed in; made from a conversation (`?conversation=`), it starts with the conversation's
    customer and shop, and once created the conversation links to it and closes (one transaction)."""
    conversation = _from_conversation(request)
    shops = shop_scope(request.user)
    if conversation is not None:
        shops = Shop.objects.filter(pk=conversation.shop_id)
        initial = _prefilled(conversation)
    else:
        initial = _asked_for(request, shops)
    form = NewOrderForm(request.POST or None, shops=shops, user=request.user, initial=initial)
    items = OrderItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = items.kept_rows()
        try:
            with transaction.atomic():
                order, _ = order_create(**form.service_kwargs(items=rows, by=request.user))
                if conversation is not None:
                    conversation_link_order(conversation=conversation, order=order, by=request.user)
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
    return render(
        request,
        "orders/order_new.html",
        {"form": form, "items": items, "conversation": conversation},
        status=status,
    )


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
