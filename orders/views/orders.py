"""The order list and the order page, with its status, note and reassign forms."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import roles
from core.exceptions import DeskError
from core.http import form_errors, redirect_back, role_required
from core.pagination import paginate
from core.people import staff_name
from orders.clock import next_working_day
from orders.forms import (
    BulkReassignForm,
    CallForm,
    NoteForm,
    ReassignForm,
    StatusChangeForm,
    TaskDoneForm,
    TaskForm,
)
from orders.models import CallOutcome, Order
from orders.selectors import (
    colleagues_covering_shop,
    managers_covering_shop,
    managers_covering_user_shops,
    order_get_for_user,
    order_list,
    order_page,
    order_scope,
    orders_total_title,
    status_by_code,
    task_list_open,
)
from orders.services import order_add_note, order_change_status, orders_reassign

LIST_PAGE_SIZE = 25
# The due time a new task's form suggests.
NEXT_STEP_DEFAULT = timedelta(hours=1)
# Why the desk refuses a page (the 403 page says it).
WORK_ORDERS = _("Inspectors read orders; managers and supervisors work them.")
REASSIGN = _("Only supervisors reassign orders.")


def order_list_view(request):
    mine = request.GET.get("scope", "mine" if roles.is_manager(request.user) else "all") == "mine"
    order_filter = order_list(user=request.user, params=request.GET, mine=mine)
    page = paginate(request, order_filter.qs, per_page=LIST_PAGE_SIZE)
    return render(
        request,
        "orders/order_list.html",
        {
            "filter": order_filter,
            "page": page,
            "total_title": orders_total_title(page.total),
            "mine": mine,
            "statuses": status_by_code(),
            "tasks": task_list_open(user=request.user) if mine else None,
            "now": timezone.now(),
            "bulk_form": bulk_reassign_form(request),
        },
    )


# A refused bulk reassign, kept for the page it goes back to: the ticks, the manager and the reason as typed.
BULK_REFUSED = "bulk_reassign_refused"


def bulk_reassign_form(request) -> BulkReassignForm | None:
    """The bulk reassign bar for a supervisor's lists (none for anyone else); after a refusal, as it was sent
    (`ticked`: the orders that were ticked), once."""
    if not roles.can_reassign(request.user):
        return None
    refused = request.session.pop(BULK_REFUSED, {})
    form = BulkReassignForm(
        orders=Order.objects.none(), managers=managers_covering_user_shops(request.user), initial=refused
    )
    form.ticked = {int(pk) for pk in refused.get("orders", []) if str(pk).isdigit()}
    return form


def order_detail_view(request, pk: int):
    return render_order_page(request, order_get_for_user(user=request.user, pk=pk))


def render_order_page(
    request, order, *, task_form=None, note_form=None, done_form=None, done_task_id=None, extra=None
):
    """The order page; a form the desk refused comes back bound, with what the person typed and its errors
    (`extra`: another app's refused form, for its part of the page)."""
    refused = bool(task_form or note_form or done_form or extra)
    now = timezone.now()
    today = timezone.localtime(now).date()
    next_due_default = now + NEXT_STEP_DEFAULT
    page = order_page(order=order, user=request.user)
    cancel = next((status for status in page.next_statuses if status.group == "cancel"), None)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "page": page,
            "note_form": note_form or NoteForm(),
            "next_due_default": next_due_default,
            "task_form": task_form
            or TaskForm(
                colleagues=colleagues_covering_shop(shop_id=order.shop_id),
                initial={"assignee": request.user.pk, "due_at": next_due_default},
            ),
            # The next step typed when closing the last task, if it was refused.
            "done_form": done_form or TaskDoneForm(initial={"next_due_at": next_due_default}),
            "done_task_id": done_task_id,
            "call_form": CallForm(),
            "call_outcomes": CallOutcome.choices,  # the call form's choices
            # The cancel step asks why; the other steps are a button each.
            "cancel_form": (
                StatusChangeForm(initial={"target": cancel.code, "expected_status": order.status})
                if cancel is not None
                else None
            ),
            "now": now,
            # "Tomorrow 10:00" plans for the shop's next working day (after a weekend or a holiday, not on it).
            "due_day": next_working_day(order.shop, today),
            "tomorrow": today + timedelta(days=1),
            # A closed order keeps its manager: no form offers what the desk would refuse.
            "reassign_form": (
                ReassignForm(managers=managers_covering_shop(shop_id=order.shop_id))
                if roles.can_reassign(request.user) and not order.is_final
                else None
            ),
            **(extra or {}),
        },
        status=400 if refused else 200,
    )


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def order_status_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a status to move the order to."))
        return redirect("orders:detail", pk=pk)
    try:
        order_change_status(
            order=order,
            target=form.cleaned_data["target"],
            by=request.user,
            expected_status=form.cleaned_data["expected_status"],
            reason=form.cleaned_data["reason"],
        )
    except DeskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("Order %(number)s moved to %(status)s.")
            % {"number": order.number, "status": status_by_code()[order.status].name},
        )
    return redirect("orders:detail", pk=pk)


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def order_note_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return render_order_page(request, order, note_form=form)
    order_add_note(order=order, by=request.user, text=form.cleaned_data["text"])
    messages.success(request, gettext("Note added."))
    return redirect("orders:detail", pk=pk)


@require_POST
@role_required(roles.can_reassign, REASSIGN)
def order_reassign_view(request, pk: int):
    """Supervisors hand an order to another manager of its shop; the history says who, from whom, to whom."""
    order = order_get_for_user(user=request.user, pk=pk)
    form = ReassignForm(request.POST, managers=managers_covering_shop(shop_id=order.shop_id))
    if not form.is_valid():
        messages.error(request, gettext("Choose one of the shop's managers."))
        return redirect("orders:detail", pk=pk)
    _reassign(request, [order], form)
    return redirect("orders:detail", pk=pk)


@require_POST
@role_required(roles.can_reassign, REASSIGN)
def orders_bulk_reassign_view(request):
    """Supervisors hand the ticked orders (list or dashboard) to one manager, all or nothing."""
    form = BulkReassignForm(
        request.POST,
        orders=order_scope(request.user).filter(is_final=False).select_related("shop", "customer", "manager"),
        managers=managers_covering_user_shops(request.user),
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    elif _reassign(request, sorted(form.cleaned_data["orders"], key=lambda order: order.pk), form):
        return redirect_back(request, "orders:list")
    request.session[BULK_REFUSED] = {
        "orders": request.POST.getlist("orders"),
        "manager": request.POST.get("manager", ""),
        "reason": request.POST.get("reason", ""),
    }
    return redirect_back(request, "orders:list")


def _reassign(request, orders, form) -> bool:
    """Hand the orders over and say so; False (and why) when the desk refused."""
    manager = form.cleaned_data["manager"]
    try:
        orders_reassign(orders=orders, manager=manager, by=request.user, reason=form.cleaned_data["reason"])
    except DeskError as exc:
        messages.error(request, str(exc))
        return False
    numbers = ", ".join(order.number for order in orders)
    messages.success(
        request,
        ngettext("%(numbers)s is now with %(manager)s.", "%(numbers)s are now with %(manager)s.", len(orders))
        % {"numbers": numbers, "manager": staff_name(manager)},
    )
    return True
