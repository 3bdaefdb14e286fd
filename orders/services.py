import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orders import signals
from orders.clock import desk_time, outside_night, working_deadline, zone_for_phone
from orders.exceptions import NextStepRequired, OrderError, StaleOrder, StatusChangeRefused
from orders.models import (
    CallOutcome,
    Customer,
    DeskSettings,
    NoAnswerStep,
    Order,
    OrderEvent,
    OrderItem,
    Shop,
    Status,
    StatusTransition,
    Task,
    hash_api_key,
)
from orders.roles import staff_name


def order_event_add(*, order: Order, kind: str, text: str, actor=None, data: dict | None = None) -> OrderEvent:
    """Append one line to the order's history (used by every app that acts on an order)."""
    event = OrderEvent(order=order, kind=kind, text=text[:500], actor=actor, data=data or {})
    event.save()
    return event


@transaction.atomic
def shop_issue_api_key(*, shop: Shop, key: str | None = None) -> str:
    """A fresh storefront key (random unless given, as the demo does); the previous one stops working at
    once. Only the hash is kept."""
    key = key or f"od_{shop.code}_{secrets.token_urlsafe(32)}"
    Shop.objects.filter(pk=shop.pk).update(api_key_hash=hash_api_key(key))
    shop.api_key_hash = hash_api_key(key)
    return key


CLOCK_FIELDS = ["is_final", "status_entered_at", "deadline", "is_overdue", "overdue_since", "escalated_at"]


def _start_clock(order: Order, status: Status, now: datetime) -> None:
    order.is_final = status.is_final
    order.status_entered_at = now
    order.deadline = (
        working_deadline(order.shop, now, status.time_limit) if status.time_limit and not status.is_final else None
    )
    order.is_overdue = False
    order.overdue_since = None
    order.escalated_at = None


def _customer_upsert(*, shop: Shop, name: str, phone: str, email: str, legal_type: str, is_vip: bool) -> Customer:
    """The shop's customer with this phone (or, without a phone, this email); created when new."""
    lookup = {"phone": phone} if phone else {"email": email, "phone": ""}
    customer = Customer.objects.select_for_update().filter(shop=shop, **lookup).first()
    if customer is None:
        customer = Customer(
            shop=shop,
            name=name,
            phone=phone,
            email=email,
            legal_type=legal_type or Customer.LegalType.PERSON,
            is_vip=is_vip,
        )
    else:
        customer.name = name or customer.name
        customer.email = email or customer.email
        customer.legal_type = legal_type or customer.legal_type
        customer.is_vip = customer.is_vip or is_vip
    if not customer.timezone and customer.phone:
        customer.timezone = zone_for_phone(customer.phone)
    customer.full_clean()
    customer.save()
    return customer


def order_create(
    *,
    shop: Shop,
    customer: dict,
    items: list[dict],
    external_id: str = "",
    method: str = Order.Method.MANUAL,
    region: str = "",
    comment: str = "",
    delivery_address: str = "",
    by=None,
) -> tuple[Order, bool]:
    """Create an order with its customer and items, or return the shop's existing order with this
    external_id (idempotent intake). Returns (order, created)."""
    if external_id:
        existing = Order.objects.filter(shop=shop, external_id=external_id).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return _order_insert(
                shop=shop,
                customer=customer,
                items=items,
                external_id=external_id,
                method=method,
                region=region,
                comment=comment,
                delivery_address=delivery_address,
                by=by,
            ), True
    except IntegrityError:
        # Another request with the same external_id committed first: answer with its order.
        if external_id:
            existing = Order.objects.filter(shop=shop, external_id=external_id).first()
            if existing is not None:
                return existing, False
        raise


def _order_insert(*, shop, customer, items, external_id, method, region, comment, delivery_address, by) -> Order:
    now = timezone.now()
    buyer = _customer_upsert(shop=shop, **customer)
    new_status = Status.objects.get(code="new")
    order = Order(
        shop=shop,
        customer=buyer,
        external_id=external_id,
        order_type=Order.Type.B2B if buyer.legal_type == Customer.LegalType.COMPANY else Order.Type.B2C,
        method=method,
        region=region,
        comment=comment,
        delivery_address=delivery_address,
        total=sum((Decimal(item["qty"]) * Decimal(item["price"]) for item in items), Decimal("0")),
        status_entered_at=now,
    )
    _start_clock(order, new_status, now)
    order.full_clean(exclude=["status"])  # the protected status is set only by the fsm
    order.save()
    order.number = f"{shop.code.upper()}-{order.pk}"
    Order.objects.filter(pk=order.pk).update(number=order.number)
    order_items = [OrderItem(order=order, **item) for item in items]
    for item in order_items:
        item.full_clean(exclude=["order"])
    OrderItem.objects.bulk_create(order_items)
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.CREATED,
        actor=by,
        text=f"Order received ({order.get_method_display()}), total {order.total}.",
        data={"external_id": external_id},
    )
    signals.order_created.send(sender=Order, order=order)
    return order


def order_change_status(
    *, order: Order, target: str, by=None, expected_status: str | None = None, reason: str = ""
) -> Order:
    """The one status-change path: matrix check (django-fsm), clock reset, overdue cleared, history, and
    the news to other apps, all in one transaction. `expected_status` is the status the person saw; if the
    order moved meanwhile, the change is refused instead of silently overriding a colleague."""
    if expected_status is not None and order.status != expected_status:
        raise StaleOrder("The order changed since you opened it; reload the page and check its status.")
    target_status = Status.objects.filter(code=target).first()
    if target_status is None:
        raise StatusChangeRefused(f"Unknown status {target!r}.")
    if target_status.group == Status.Group.CANCEL and not reason and by is not None:
        raise StatusChangeRefused("Give a reason to cancel the order.")
    previous = order.status
    now = timezone.now()
    try:
        with transaction.atomic():
            order.change_status(target, by=by)
            _start_clock(order, target_status, now)
            if target_status.group == Status.Group.CANCEL:
                order.cancel_reason = reason
            if target_status.is_final:  # a closed order has no next step to take
                Task.objects.filter(order=order, done_at__isnull=True).update(done_at=now, done_by=by)
            # Only what a status change owns: a manager assigned meanwhile must not be overwritten.
            order.save(update_fields=[*CLOCK_FIELDS, "status", "cancel_reason", "updated_at"])
            text = f"Status {previous} → {target}" + (f": {reason}" if reason else "")
            order_event_add(
                order=order,
                kind=OrderEvent.Kind.STATUS,
                actor=by,
                text=text,
                data={"from": previous, "to": target, "reason": reason},
            )
            signals.order_status_changed.send(sender=Order, order=order, previous=previous, by=by)
            if by is not None:
                signals.order_touched.send(sender=Order, order=order, by=by)
    except TransitionNotAllowed as exc:
        order.refresh_from_db()
        raise StatusChangeRefused(str(exc)) from exc
    except ConcurrentTransition as exc:
        order.refresh_from_db()
        raise StaleOrder("Someone changed this order's status at the same moment; reload and check.") from exc
    return order


@transaction.atomic
def order_set_manager(*, order: Order, manager, by=None, reason: str = "", data: dict | None = None) -> Order:
    """Give the order a responsible manager (routing or by hand) and say why in the history. The customer
    gets the same manager as responsible on their first assignment."""
    previous = order.manager
    Order.objects.filter(pk=order.pk).update(manager=manager, updated_at=timezone.now())
    order.manager = manager
    if manager is not None and order.customer.responsible_manager_id is None:
        Customer.objects.filter(pk=order.customer_id, responsible_manager__isnull=True).update(
            responsible_manager=manager
        )
        order.customer.responsible_manager = manager
    name = staff_name(manager, "nobody")
    if previous is None:
        kind, text = OrderEvent.Kind.ASSIGNMENT, f"Assigned to {name}"
    else:
        kind = OrderEvent.Kind.MANAGER
        text = f"Manager changed from {staff_name(previous)} to {name}"
    order_event_add(
        order=order,
        kind=kind,
        actor=by,
        text=text + (f": {reason}" if reason else "."),
        data={"from": previous.pk if previous else None, "to": manager.pk if manager else None, **(data or {})},
    )
    signals.order_manager_changed.send(
        sender=Order, order=order, previous=previous, manager=manager, by=by, reason=reason, data=data or {}
    )
    return order


@transaction.atomic
def order_take_back(*, order: Order, reason: str) -> Order:
    """Take an order back from a manager who never worked on it, so routing can give it to someone else. If
    this order is all that made them the customer's responsible manager, the customer is released too: their
    next order must not wait for someone who never served them."""
    previous_id = order.manager_id
    customer = order.customer
    served_before = Order.objects.filter(customer=customer, manager_id=previous_id).exclude(pk=order.pk).exists()
    if customer.responsible_manager_id == previous_id and not served_before:
        Customer.objects.filter(pk=customer.pk).update(responsible_manager=None)
        customer.responsible_manager = None
    return order_set_manager(order=order, manager=None, reason=reason)


@transaction.atomic
def order_add_note(*, order: Order, by, text: str) -> OrderEvent:
    text = text.strip()
    if not text:
        raise StatusChangeRefused("A note cannot be empty.")
    event = order_event_add(order=order, kind=OrderEvent.Kind.NOTE, actor=by, text=text)
    signals.order_touched.send(sender=Order, order=order, by=by)
    return event


@transaction.atomic
def order_record_payment(*, order: Order, state: str, amount: Decimal) -> Order:
    """A payment event from the storefront; a failure alerts the people working on the order."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.payment_state = state
    if state == Order.PaymentState.PAID:
        order.paid_amount = F("paid_amount") + amount
    order.save(update_fields=["payment_state", "paid_amount", "updated_at"])
    order.refresh_from_db()
    label = Order.PaymentState(state).label
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.PAYMENT,
        text=f"{label}: {amount}",
        data={"state": state, "amount": str(amount)},
    )
    if state == Order.PaymentState.FAILED:
        signals.payment_failed.send(sender=Order, order=order, amount=amount)
    return order


def _sweep(candidates, *, order_by: str, batch: int, changes: dict, kind: str, text_for, signal) -> int:
    """Claim a batch of due orders (skipping rows another sweeper holds), apply `changes`, write one history
    event each, and announce them; the candidates' filter excludes already-handled rows, so reruns do nothing."""
    with transaction.atomic():
        orders = list(candidates.select_for_update(skip_locked=True).order_by(order_by)[:batch])
        if not orders:
            return 0
        Order.objects.filter(pk__in=[order.pk for order in orders]).update(**changes)
        OrderEvent.objects.bulk_create(
            [OrderEvent(order=order, kind=kind, text=text_for(order)) for order in orders]
        )
        for order in orders:
            for field, value in changes.items():
                setattr(order, field, value)
        signal.send(sender=Order, orders=orders)
    return len(orders)


def orders_flag_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Flag open orders whose status clock has run out. Reads only due rows (partial index on deadline)."""
    now = now or timezone.now()
    return _sweep(
        Order.objects.filter(deadline__lte=now, is_overdue=False, is_final=False),
        order_by="deadline",
        batch=batch,
        changes={"is_overdue": True, "overdue_since": now},
        kind=OrderEvent.Kind.OVERDUE,
        text_for=lambda order: (
            f"Overdue: the {order.status} time limit ran out at {timezone.localtime(order.deadline):%d.%m %H:%M}."
        ),
        signal=signals.orders_overdue,
    )


def orders_escalate_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Alert supervisors about orders still overdue after the grace period, once per overdue spell."""
    now = now or timezone.now()
    grace = DeskSettings.load().escalation_grace
    minutes = int(grace.total_seconds() // 60)
    return _sweep(
        Order.objects.filter(
            is_overdue=True, escalated_at__isnull=True, is_final=False, overdue_since__lte=now - grace
        ),
        order_by="overdue_since",
        batch=batch,
        changes={"escalated_at": now},
        kind=OrderEvent.Kind.ESCALATION,
        text_for=lambda order: f"Escalated to supervisors: overdue for more than {minutes} min.",
        signal=signals.orders_escalated,
    )


# Tasks and calls ---------------------------------------------------------------------------------------------

# A due time this far in the past is a typo, not a plan.
PAST_DUE_TOLERANCE = timedelta(minutes=5)


def _task_event(task: Task, text: str, actor) -> None:
    if task.order_id is not None:
        order_event_add(
            order=task.order, kind=OrderEvent.Kind.TASK, actor=actor, text=text, data={"task": task.pk}
        )


@transaction.atomic
def task_create(
    *, customer: Customer, assignee, by, text: str, due_at: datetime, kind: str = Task.Kind.CALL, order=None
) -> Task:
    """A next step about an order (or a customer in general) for oneself or a colleague. `by` None: the desk."""
    if by is not None and due_at < timezone.now() - PAST_DUE_TOLERANCE:
        raise OrderError("The due time is in the past: choose when it should be done.")
    task = Task(
        customer=customer,
        order=order,
        assignee=assignee,
        created_by=by,
        kind=kind,
        text=text.strip(),
        due_at=due_at,
    )
    task.full_clean()
    task.save()
    for_whom = "" if assignee == by else f" for {staff_name(assignee)}"
    _task_event(task, f"{task.get_kind_display()}{for_whom}, due {desk_time(due_at)}: {task.text}", by)
    if order is not None and by is not None:
        signals.order_touched.send(sender=Order, order=order, by=by)
    return task


@transaction.atomic
def task_complete(
    *, task: Task, by, next_step: dict | None = None, without_next_step: bool = False
) -> Task | None:
    """Close a task; the order's last open task must name the next step (a task_create's arguments) unless the
    person says there is none. Returns the next task, if any."""
    task = Task.objects.select_for_update(of=("self",)).select_related("order", "customer").get(pk=task.pk)
    if task.is_done:
        raise OrderError("This task is already done.")
    order = task.order
    others_open = Task.objects.filter(order=order, done_at__isnull=True).exclude(pk=task.pk).exists()
    if order is not None and not order.is_final and not others_open and not next_step and not without_next_step:
        raise NextStepRequired("This is the order's last open task: plan the next step, or say there is none.")
    task.done_at, task.done_by = timezone.now(), by
    task.save(update_fields=["done_at", "done_by"])
    _task_event(task, f"Done: {task.text}", by)
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
def order_record_call(*, order: Order, by, outcome: str, note: str = "") -> CallResult:
    """What came of a call. The call closes the order's open call tasks. A miss (no answer, busy, unreachable)
    climbs the no-answer ladder: the next call is planned out of the customer's night; a miss past the last
    rung cancels the order as unreachable, or hands it to a supervisor when the matrix forbids that."""
    if outcome not in CallOutcome.values:
        raise OrderError(f"Unknown call outcome {outcome!r}.")
    order = Order.objects.select_for_update(of=("self",)).select_related("customer__shop", "shop").get(pk=order.pk)
    if order.is_final:
        raise OrderError("The order is closed; there is nobody to call about it.")
    now = timezone.now()
    Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True).update(done_at=now, done_by=by)
    reached = outcome == CallOutcome.REACHED
    order.missed_calls = 0 if reached else order.missed_calls + 1
    Order.objects.filter(pk=order.pk).update(missed_calls=order.missed_calls, updated_at=now)
    ladder = list(NoAnswerStep.objects.order_by("miss"))
    label = CallOutcome(outcome).label.lower()
    text = f"Call: {label}" + ("" if reached else f" (miss {order.missed_calls} of {len(ladder) + 1})")
    event = order_event_add(
        order=order,
        kind=OrderEvent.Kind.CALL,
        actor=by,
        text=text + (f". {note.strip()}" if note.strip() else ""),
        data={"outcome": outcome, "missed_calls": order.missed_calls},
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
            text=f"Call again ({label} ×{order.missed_calls})",
            due_at=outside_night(now + step.retry_after, order.customer.zone),
        )
        return result
    return _give_up_calling(order, by=by, result=result)


def _give_up_calling(order: Order, *, by, result: CallResult) -> CallResult:
    misses = order.missed_calls
    cancel = (
        StatusTransition.objects.filter(source__code=order.status, target__group=Status.Group.CANCEL)
        .select_related("target")
        .order_by("target__position")
        .first()
    )
    if cancel is not None:
        try:
            order_change_status(order=order, target=cancel.target.code, by=by, reason="unreachable")
        except StatusChangeRefused:
            pass  # the pair is limited to other roles: a supervisor decides
        else:
            result.cancelled = True
            return result
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.ESCALATION,
        text=f"Customer unreachable after {misses} calls, and the status matrix does not let this order be "
        f"cancelled from {order.status}: a supervisor decides.",
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
