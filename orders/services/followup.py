"""Follow-up: tasks for oneself or a colleague, calls and the no-answer ladder, reminders of due tasks."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from core.people import staff_name
from core.phrases import Phrase, Value, joined, label, phrase, plural_noop, stored, text_columns
from orders import history, signals
from orders.clock import outside_night
from orders.exceptions import NextStepRequired, OrderError, StatusChangeRefused
from orders.models import CallOutcome, Customer, NoAnswerStep, Order, OrderEvent, Status, StatusTransition, Task
from orders.selectors.matrix import status_name
from orders.services.matrix import order_change_status
from orders.services.orders import order_event_add

# A due time this far in the past is a typo, not a plan.
PAST_DUE_TOLERANCE = timedelta(minutes=5)
# A final status closes the order's tasks: a new one there would be a step nobody takes.
ORDER_CLOSED_NO_TASK = gettext_lazy("The order is closed: it has no next step to plan.")


def _task_event(task: Task, text: Phrase, actor: User | None) -> None:
    if task.order is not None:  # no query when the task is about no order
        order_event_add(
            order=task.order, kind=OrderEvent.Kind.TASK, actor=actor, text=text, details=history.TaskLine(task.pk)
        )


@transaction.atomic
def task_create(
    *,
    customer: Customer,
    assignee: User,
    by: User | None,
    text: Phrase | str,
    due_at: datetime,
    kind: str = Task.Kind.CALL,
    order: Order | None = None,
) -> Task:
    """A next step about an order (or a customer in general) for oneself or a colleague. `by` None: the desk."""
    if by is not None and order is not None and order.is_final:
        raise OrderError(ORDER_CLOSED_NO_TASK)
    if by is not None and due_at < timezone.now() - PAST_DUE_TOLERANCE:
        raise OrderError(gettext("The due time is in the past: choose when it should be done."))
    task = Task(
        customer=customer,
        order=order,
        assignee=assignee,
        created_by=by,
        kind=kind,
        due_at=due_at,
        **text_columns(text.strip() if isinstance(text, str) else text, 200),
    )
    task.full_clean()
    task.save()
    said: dict[str, Value] = {
        "kind": label(Task.Kind(kind).label),
        "due": due_at,
        "text": stored(task.phrase, task.text),
    }
    if assignee == by:
        line = phrase(gettext_noop("%(kind)s, due %(due)s: %(text)s"), **said)
    else:
        line = phrase(
            gettext_noop("%(kind)s for %(name)s, due %(due)s: %(text)s"), name=staff_name(assignee), **said
        )
    _task_event(task, line, by)
    if order is not None and by is not None:
        signals.order_touched.send(sender=Order, order=order, by=by)
    return task


@transaction.atomic
def task_complete(
    *, task: Task, by: User | None, next_step: dict[str, Any] | None = None, without_next_step: bool = False
) -> Task | None:
    """Close a task; the order's last open task must name the next step (a task_create's arguments) unless the
    person says there is none. Returns the next task, if any."""
    task = Task.objects.select_for_update(of=("self",)).select_related("order", "customer").get(pk=task.pk)
    if task.is_done:
        raise OrderError(gettext("This task is already done."))
    order = task.order
    others_open = Task.objects.filter(order=order, done_at__isnull=True).exclude(pk=task.pk).exists()
    if order is not None and not order.is_final and not others_open and not next_step and not without_next_step:
        raise NextStepRequired(
            gettext("This is the order's last open task: plan the next step, or say there is none.")
        )
    task.done_at, task.done_by = timezone.now(), by
    task.save(update_fields=["done_at", "done_by"])
    _task_event(task, phrase(gettext_noop("Done: %(text)s"), text=stored(task.phrase, task.text)), by)
    if order is not None:
        signals.order_touched.send(sender=Order, order=order, by=by)
    if not next_step:
        return None
    return task_create(customer=task.customer, order=order, by=by, **next_step)


@dataclass
class CallResult:
    event: OrderEvent
    next_call: Task | None = None
    cancelled: bool = False
    needs_supervisor: bool = False


@transaction.atomic
def order_record_call(*, order: Order, by: User, outcome: str, note: str = "") -> CallResult:
    """What came of a call. The call closes the order's open call tasks. A miss (no answer, busy, unreachable)
    climbs the no-answer ladder: the next call is planned out of the customer's night; a miss past the last
    rung cancels the order as unreachable, or hands it to a supervisor when the matrix forbids that."""
    if outcome not in CallOutcome.values:
        raise OrderError(gettext("Unknown call outcome %(outcome)s.") % {"outcome": repr(outcome)})
    order = Order.objects.select_for_update(of=("self",)).select_related("customer__shop", "shop").get(pk=order.pk)
    if order.is_final:
        raise OrderError(gettext("The order is closed; there is nobody to call about it."))
    now = timezone.now()
    open_calls = Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True).order_by(
        "due_at", "pk"
    )
    closed = list(open_calls.values_list("pk", "phrase", "text"))
    open_calls.update(done_at=now, done_by=by)
    reached = outcome == CallOutcome.REACHED
    order.missed_calls = 0 if reached else order.missed_calls + 1
    Order.objects.filter(pk=order.pk).update(missed_calls=order.missed_calls, updated_at=now)
    ladder = list(NoAnswerStep.objects.filter(outcome=CallOutcome.NO_ANSWER).order_by("miss"))
    said = label(CallOutcome(outcome).label, lower=True)
    if reached:
        text = phrase(gettext_noop("Call: %(outcome)s"), outcome=said)
    else:
        text = phrase(
            gettext_noop("Call: %(outcome)s (miss %(miss)s of %(of)s)"),
            outcome=said,
            miss=order.missed_calls,
            of=len(ladder) + 1,
        )
    if closed:  # a call task planned for later disappears from the page: say which, where the call is told
        quoted = [
            phrase(gettext_noop("“%(text)s”"), text=stored(data, task_text)) for _, data, task_text in closed
        ]
        text = phrase(
            *plural_noop("%(call)s; closed the call task %(tasks)s", "%(call)s; closed the call tasks %(tasks)s"),
            call=text,
            tasks=joined(quoted),
            count=len(closed),
        )
    if note.strip():
        text = phrase(gettext_noop("%(line)s. %(note)s"), line=text, note=note.strip())
    event = order_event_add(
        order=order,
        kind=OrderEvent.Kind.CALL,
        actor=by,
        text=text,
        details=history.Call(
            call_outcome=outcome, missed_calls=order.missed_calls, closed_tasks=tuple(pk for pk, *_ in closed)
        ),
    )
    signals.order_touched.send(sender=Order, order=order, by=by)
    result = CallResult(event=event)
    if reached:
        return result
    if order.missed_calls <= len(ladder):
        step = ladder[order.missed_calls - 1]
        result.next_call = task_create(
            customer=order.customer,
            order=order,
            assignee=order.manager or by,
            by=None,
            kind=Task.Kind.CALL,
            text=phrase(
                gettext_noop("Call again (%(outcome)s ×%(count)s)"), outcome=said, count=order.missed_calls
            ),
            due_at=outside_night(now + step.retry_after, order.customer),
        )
        return result
    return _give_up_calling(order, by=by, result=result)


def _give_up_calling(order: Order, *, by: User | None, result: CallResult) -> CallResult:
    misses = order.missed_calls
    cancel = (
        StatusTransition.objects.filter(source__code=order.status, target__group=Status.Group.CANCEL)
        .select_related("target")
        .order_by("target__position")
        .first()
    )
    if cancel is not None:
        try:
            order_change_status(
                order=order, target=cancel.target.code, by=by, reason=phrase(gettext_noop("unreachable"))
            )
        except StatusChangeRefused:
            pass  # the pair is limited to other roles: a supervisor decides
        else:
            result.cancelled = True
            return result
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.ESCALATION,
        text=phrase(
            *plural_noop(
                "Customer unreachable after %(count)s call, and the status matrix does not let this order be "
                "cancelled from %(status)s: a supervisor decides.",
                "Customer unreachable after %(count)s calls, and the status matrix does not let this order be "
                "cancelled from %(status)s: a supervisor decides.",
            ),
            count=misses,
            status=status_name(order.status),
        ),
    )
    signals.customer_unreachable.send(sender=Order, order=order, misses=misses)
    result.needs_supervisor = True
    return result


def tasks_remind_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Tell each person their task has fallen due, once (claims due rows, skipping those another run holds)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Task.objects.filter(due_at__lte=now, done_at__isnull=True, reminded_at__isnull=True)
        tasks = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("order", "customer")
            .order_by("due_at")[:batch]
        )
        if not tasks:
            return 0
        Task.objects.filter(pk__in=[task.pk for task in tasks]).update(reminded_at=now)
        signals.tasks_due.send(sender=Task, tasks=tasks)
    return len(tasks)


@transaction.atomic
def ladder_renumber() -> None:
    """Close the gap a deleted (or moved) ladder step leaves: each outcome's steps keep their order and are
    numbered 1..N again."""
    numbers: dict[str, int] = {}
    for step in NoAnswerStep.objects.select_for_update().order_by("outcome", "miss"):
        number = numbers[step.outcome] = numbers.get(step.outcome, 0) + 1
        if step.miss != number:  # ascending, so the number it moves to is already free
            NoAnswerStep.objects.filter(pk=step.pk).update(miss=number)
