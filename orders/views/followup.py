"""Follow-up from the order page and the navbar: tasks, call outcomes and the Next button."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core import roles
from core.exceptions import DeskError
from core.http import form_errors, redirect_back, role_required
from orders.clock import desk_time
from orders.exceptions import NextStepRequired
from orders.forms import CallForm, TaskDoneForm, TaskForm
from orders.selectors import (
    colleagues_covering_shop,
    order_get_for_user,
    order_next_for_manager,
    task_get_for_user,
)
from orders.services import order_record_call, task_complete, task_create
from orders.services.followup import ORDER_CLOSED_NO_TASK
from orders.views.orders import WORK_ORDERS, render_order_page


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def task_create_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    if order.is_final:  # not offered there; a task "about the customer" from its page is refused alike
        messages.error(request, ORDER_CLOSED_NO_TASK)
        return redirect("orders:detail", pk=pk)
    form = TaskForm(request.POST, colleagues=colleagues_covering_shop(shop_id=order.shop_id))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return render_order_page(request, order, task_form=form)
    try:
        task = task_create(by=request.user, **form.service_kwargs(order))
    except DeskError as exc:
        messages.error(request, str(exc))
        return render_order_page(request, order, task_form=form)
    messages.success(request, gettext("Task planned for %(due)s.") % {"due": desk_time(task.due_at)})
    return redirect("orders:detail", pk=pk)


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def task_done_view(request, pk: int):
    task = task_get_for_user(user=request.user, pk=pk)
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _refused(request, task, form)
    try:
        next_task = task_complete(
            task=task,
            by=request.user,
            next_step=form.next_step(assignee=request.user),
            without_next_step=form.cleaned_data["without_next_step"],
        )
    except NextStepRequired as exc:
        messages.warning(request, str(exc))
        return redirect("orders:detail", pk=task.order_id)  # its page asks for the next step
    except DeskError as exc:
        messages.error(request, str(exc))
        return _refused(request, task, form)
    if next_task is None:
        messages.success(request, gettext("Done: %(task)s.") % {"task": task.shown_text})
    else:
        messages.success(
            request,
            gettext("Done: %(task)s. Next: %(next)s, %(due)s.")
            % {"task": task.shown_text, "next": next_task.shown_text, "due": desk_time(next_task.due_at)},
        )
    return _back(request, task)


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def order_call_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose how the call went."))
        return redirect("orders:detail", pk=pk)
    try:
        result = order_record_call(order=order, by=request.user, **form.cleaned_data)
    except DeskError as exc:
        messages.error(request, str(exc))
        return redirect("orders:detail", pk=pk)
    if result.next_call is not None:
        messages.info(
            request,
            gettext("%(call)s. Next call planned for %(due)s.")
            % {"call": result.event.shown_text, "due": desk_time(result.next_call.due_at)},
        )
    elif result.cancelled:
        messages.warning(
            request,
            gettext("%(call)s. The customer is unreachable: the order is cancelled.")
            % {"call": result.event.shown_text},
        )
    elif result.needs_supervisor:
        messages.warning(
            request,
            gettext("%(call)s. The customer is unreachable: a supervisor will decide.")
            % {"call": result.event.shown_text},
        )
    else:
        messages.success(request, gettext("%(call)s. Plan the next step.") % {"call": result.event.shown_text})
    return redirect("orders:detail", pk=pk)


def next_view(request):
    """The navbar's Next button: open the most urgent thing for this manager."""
    found = order_next_for_manager(user=request.user, now=timezone.now())
    if found is None:
        messages.success(request, gettext("Nothing urgent: no due calls, no overdue or untouched new orders."))
        return redirect("orders:list")
    messages.info(request, gettext("Next — %(why)s.") % {"why": found.why})
    return redirect("orders:detail", pk=found.order.pk)


def _back(request, task):
    return (
        redirect_back(request, "orders:detail", pk=task.order_id)
        if task.order_id
        else redirect_back(request, "orders:list")
    )


def _refused(request, task, form):
    """Back to the order page with the next step as typed, or (a task about a customer) where the form was."""
    if task.order_id is None:
        return _back(request, task)
    order = order_get_for_user(user=request.user, pk=task.order_id)
    return render_order_page(request, order, done_form=form, done_task_id=task.pk)
