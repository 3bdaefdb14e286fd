from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from orders import roles
from orders.clock import desk_time
from orders.exceptions import NextStepRequired, OrderError
from orders.forms import CallForm, NoteForm, ReassignForm, StatusChangeForm, TaskDoneForm, TaskForm
from orders.http import redirect_back
from orders.models import NoAnswerStep, Task
from orders.pagination import paginate
from orders.selectors import (
    MANAGER_EVENTS,
    call_script_for,
    colleagues_for_shop,
    managers_for_shop,
    next_for_manager,
    order_get_for_user,
    order_history,
    order_list,
    status_next_for,
    statuses_by_code,
    take_up_deadline,
    task_get_for_user,
    tasks_open_for,
    tasks_open_for_order,
)
from orders.services import (
    order_add_note,
    order_change_status,
    order_record_call,
    order_set_manager,
    task_complete,
    task_create,
)

# The due time a new task's form suggests.
NEXT_STEP_DEFAULT = timedelta(hours=1)


def order_list_view(request):
    mine = request.GET.get("scope", "mine" if roles.is_manager(request.user) else "all") == "mine"
    order_filter = order_list(user=request.user, params=request.GET, mine=mine)
    page = paginate(request, order_filter.qs, per_page=25)
    return render(
        request,
        "orders/order_list.html",
        {
            "filter": order_filter,
            "page": page,
            "mine": mine,
            "statuses": statuses_by_code(),
            "tasks": tasks_open_for(user=request.user) if mine else None,
            "now": timezone.now(),
        },
    )


def order_detail_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    history = list(order_history(order=order))
    tasks = list(tasks_open_for_order(order=order))
    now = timezone.now()
    next_due_default = now + NEXT_STEP_DEFAULT
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
            "take_up_by": take_up_deadline(order=order, history=history),
            "note_form": NoteForm(),
            "tasks": tasks,
            # Closing the only open task asks for the next step.
            "last_task": len(tasks) == 1,
            "task_kinds": Task.Kind.choices,
            "next_due_default": next_due_default,
            "task_form": TaskForm(
                colleagues=colleagues_for_shop(shop_id=order.shop_id),
                initial={"assignee": request.user.pk, "due_at": next_due_default},
            ),
            "call_outcomes": CallForm.base_fields["outcome"].choices,
            "call_script": call_script_for(order=order, user=request.user),
            "ladder_length": NoAnswerStep.objects.count() + 1,
            "now": now,
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


@require_POST
def task_create_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = TaskForm(request.POST, colleagues=colleagues_for_shop(shop_id=order.shop_id))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("orders:detail", pk=pk)
    try:
        task = task_create(by=request.user, **form.service_kwargs(order))
    except OrderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Task planned for {desk_time(task.due_at)}.")
    return redirect("orders:detail", pk=pk)


@require_POST
def task_done_view(request, pk: int):
    task = task_get_for_user(user=request.user, pk=pk)
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, task)
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
    except OrderError as exc:
        messages.error(request, str(exc))
    else:
        planned = f" Next: {next_task.text}, {desk_time(next_task.due_at)}." if next_task else ""
        messages.success(request, f"Done: {task.text}.{planned}")
    return _back(request, task)


@require_POST
def order_call_view(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how the call went.")
        return redirect("orders:detail", pk=pk)
    try:
        result = order_record_call(order=order, by=request.user, **form.cleaned_data)
    except OrderError as exc:
        messages.error(request, str(exc))
        return redirect("orders:detail", pk=pk)
    if result.next_call is not None:
        messages.info(request, f"{result.event.text}. Next call planned for {desk_time(result.next_call.due_at)}.")
    elif result.cancelled:
        messages.warning(request, f"{result.event.text}. The customer is unreachable: the order is cancelled.")
    elif result.needs_supervisor:
        messages.warning(request, f"{result.event.text}. The customer is unreachable: a supervisor will decide.")
    else:
        messages.success(request, f"{result.event.text}. Plan the next step.")
    return redirect("orders:detail", pk=pk)


def next_view(request):
    """The navbar's Next button: open the most urgent thing for this manager."""
    found = next_for_manager(user=request.user, now=timezone.now())
    if found is None:
        messages.success(request, "Nothing urgent: no due calls, no overdue or untouched new orders.")
        return redirect("orders:list")
    messages.info(request, f"Next — {found.why}.")
    return redirect("orders:detail", pk=found.order.pk)


def _back(request, task):
    return (
        redirect_back(request, "orders:detail", pk=task.order_id)
        if task.order_id
        else redirect_back(request, "orders:list")
    )


def _form_errors(form) -> str:
    """The form's errors as one message, each prefixed with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: "
        parts += [f"{label}{error}" for error in errors]
    return " ".join(parts)
