"""Order writes: intake, history, notes and payments."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from orders import signals
from orders.exceptions import StatusChangeRefused
from orders.models import Customer, Order, OrderEvent, OrderItem, Shop, Status
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
