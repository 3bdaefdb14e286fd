"""Carrier reports reaching an order: recorded once each, shown on the order, and moving the order along the
matrix when the shop has a rule for the state, never backwards and never past what the matrix allows."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.phrases import Money, Value, label, phrase
from orders import history, signals
from orders.exceptions import PaymentAwaited, StatusChangeRefused
from orders.models import DeliveryEvent, DeliveryState, DeliveryStatusRule, Order, OrderEvent
from orders.selectors.matrix import status_name
from orders.services.matrix import order_change_status
from orders.services.orders import order_event_add


@transaction.atomic
def order_record_delivery(
    *, order: Order, carrier: str, state: str, at: datetime, tracking_code: str = "", location: str = ""
) -> tuple[DeliveryEvent, bool]:
    """Record a carrier's report (idempotent on order, state and time). Returns (event, created)."""
    order = Order.objects.select_for_update().select_related("shop").get(pk=order.pk)
    try:
        with transaction.atomic():
            event = DeliveryEvent.objects.create(
                order=order, carrier=carrier, state=state, at=at, tracking_code=tracking_code, location=location
            )
    except IntegrityError:
        return DeliveryEvent.objects.get(order=order, state=state, at=at), False
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.DELIVERY,
        text=event.report,
        details=history.CarrierReport(state=state, at=at, carrier=carrier),
    )
    # The report is part of the order as the storefront reads it (its timeline): the order changed.
    changed: dict[str, object] = {"updated_at": timezone.now()}
    if tracking_code and tracking_code != order.tracking_code:
        changed["tracking_code"] = tracking_code
    Order.objects.filter(pk=order.pk).update(**changed)
    later = DeliveryEvent.objects.filter(order=order, at__gt=at).exists()
    if not later:  # a report older than one already received moves nothing
        _apply_rule(order, state=state, carrier=carrier)
    return event, True


def _apply_rule(order: Order, *, state: str, carrier: str) -> None:
    rule = DeliveryStatusRule.objects.filter(shop=order.shop, state=state).select_related("target").first()
    if rule is None or order.status == rule.target.code:
        return
    said: dict[str, Value] = {
        "carrier": carrier,
        "state": label(DeliveryState(state).label, lower=True),
        "source": status_name(order.status),
        "target": rule.target.name,
    }
    try:
        order_change_status(
            order=order,
            target=rule.target.code,
            reason=phrase(gettext_noop("%(carrier)s reported it"), carrier=carrier),
        )
    except PaymentAwaited:
        text = phrase(
            gettext_noop(
                '%(carrier)s reported "%(state)s", but %(source)s → %(target)s waits for payment (%(paid)s of '
                "%(total)s paid): the order stays as it is."
            ),
            paid=Money(order.paid_amount, order.shop.currency),
            total=Money(order.total, order.shop.currency),
            **said,
        )
    except StatusChangeRefused:
        text = phrase(
            gettext_noop(
                '%(carrier)s reported "%(state)s", but the status matrix does not allow %(source)s → %(target)s: '
                "the order stays as it is."
            ),
            **said,
        )
    else:
        return
    order_event_add(order=order, kind=OrderEvent.Kind.DELIVERY, text=text)
    signals.delivery_step_refused.send(sender=Order, order=order, text=text)
