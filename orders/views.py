from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from orders import roles
from orders.exceptions import OrderError
from orders.forms import NoteForm, ReassignForm, StatusChangeForm
from orders.models import OrderEvent
from orders.pagination import paginate
from orders.selectors import (
    managers_for_shop,
    order_get_for_user,
    order_history,
    order_list,
    status_next_for,
    statuses_by_code,
)
from orders.services import order_add_note, order_change_status, order_set_manager

MANAGER_EVENTS = {OrderEvent.Kind.ASSIGNMENT, OrderEvent.Kind.MANAGER}


def order_list_view(request):
    mine = request.GET.get("scope", "mine" if roles.is_manager(request.user) else "all") == "mine"
    order_filter = order_list(user=request.user, params=request.GET, mine=mine)
    page = paginate(request, order_filter.qs, per_page=25)
    return render(
        request,
        "orders/order_list.html",
        {"filter": order_filter, "page": page, "mine": mine, "statuses": statuses_by_code()},
    )


def order_detail_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    history = list(order_history(order=order))
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "statuses": statuses_by_code(),
            "next_statuses": status_next_for(order=order, user=request.user),
            "history": history,
            # The latest change of hands: routing's explanation, or who reassigned it and why.
            "why_assigned": next((event for event in history if event.kind in MANAGER_EVENTS), None),
            "note_form": NoteForm(),
            "reassign_form": (
                ReassignForm(managers=managers_for_shop(shop_id=order.shop_id))
                if roles.is_supervisor(request.user)
                else None
            ),
        },
    )


@require_POST
def order_status_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status to move the order to.")
        return redirect("orders:detail", pk=pk)
    try:
        order_change_status(
            order=order,
            target=form.cleaned_data["target"],
            by=request.user,
            expected_status=form.cleaned_data["expected_status"],
            reason=form.cleaned_data["reason"],
        )
    except OrderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Order {order.number} moved to {statuses_by_code()[order.status].name}.")
    return redirect("orders:detail", pk=pk)


@require_POST
def order_note_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        order_add_note(order=order, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Note added.")
    else:
        messages.error(request, "Write the note first.")
    return redirect("orders:detail", pk=pk)


@require_POST
def order_reassign_view(request, pk: int):
    """Supervisors hand an order to another manager of its shop; the history says who, from whom, to whom."""
    if not roles.is_supervisor(request.user):
        raise PermissionDenied("Only supervisors reassign orders.")
    order = order_get_for_user(user=request.user, pk=pk)
    form = ReassignForm(request.POST, managers=managers_for_shop(shop_id=order.shop_id))
    if form.is_valid():
        manager = form.cleaned_data["manager"]
        order_set_manager(order=order, manager=manager, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Order {order.number} is now with {roles.staff_name(manager)}.")
    else:
        messages.error(request, "Choose one of the shop's managers.")
    return redirect("orders:detail", pk=pk)
