"""Order writes: intake, history, hands, notes and payments."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from orders import signals
from orders.exceptions import StatusChangeRefused
from orders.models import Customer, Order, OrderEvent, OrderItem, Shop, Status
from orders.roles import staff_name
from orders.services.clocks import clock_start
from orders.services.customers import customer_upsert


def order_event_add(*, order: Order, kind: str, text: str, actor=None, data: dict | None = None) -> OrderEvent:
    """Append one line to the order's history (used by every app that acts on an order)."""
    event = OrderEvent(order=order, kind=kind, text=text[:500], actor=actor, data=data or {})
    event.save()
    return event


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
    external_id (idempotent intake). Returns (order, created).

    `order_created` is sent inside this transaction, so its receivers' writes commit or roll back with the
    order: `assignment` routes it there and then (`assignment.receivers.on_order_created` → `order_route`,
    which locks a manager's row and, through `order_manager_changed`, has `notifications` tell that manager),
    so the storefront's answer already names the manager."""
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
    buyer = customer_upsert(shop=shop, **customer)
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
    clock_start(order, new_status, now)
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
