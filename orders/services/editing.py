"""Changing an open order (items, delivery, tracking, comment) as the customer asks on the phone: each change is
one history line in the shop's words, the total follows, and a stale page is refused rather than merged."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.phrases import Phrase, Value, joined, label, phrase, text_columns
from orders import signals
from orders.exceptions import OrderError, StaleOrder
from orders.models import Order, OrderEvent, OrderItem
from orders.services.audit import line_endings_normalised
from orders.services.customers import customer_zone_derive

EDITABLE = (
    "payment_method",
    "delivery_method",
    "delivery_address",
    "delivery_date",
    "delivery_time_from",
    "delivery_time_to",
    "tracking_code",
    "comment",
)
LABELS = {
    "payment_method": gettext_noop("Payment method"),
    "delivery_method": gettext_noop("Delivery method"),
    "delivery_address": gettext_noop("Delivery address"),
    "delivery_date": gettext_noop("Delivery date"),
    "delivery_time_from": gettext_noop("Delivery from"),
    "delivery_time_to": gettext_noop("Delivery until"),
    "tracking_code": gettext_noop("Tracking code"),
    "comment": gettext_noop("Comment"),
}
# An item's details, as its history line names them.
ITEM_LABELS = {
    "name": gettext_noop("name"),
    "qty": gettext_noop("quantity"),
    "price": gettext_noop("price"),
    "sku": gettext_noop("SKU"),
}


# The details chosen from a list, whose line says the choice's label in the reader's words.
CHOICES = {"payment_method": Order.PaymentMethod, "delivery_method": Order.DeliveryMethod}


def _shown(field: str, value: Any) -> Value:
    """A detail's value in its history line: a day or a choice in the reader's words, a time as 14:00, nothing as
    a dash."""
    if value in (None, ""):
        return "—"
    if field in CHOICES:
        return label(CHOICES[field](value).label)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return value if isinstance(value, date) else str(value)


def _money(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _item_value(value: object) -> str:
    """An item's detail in its history line: a price as money, the rest as it is."""
    return _money(value) if isinstance(value, Decimal) else str(value)


@transaction.atomic
def order_edit(
    *, order: Order, by: User | None, seen_at: datetime, items: list[dict[str, Any]], **fields: Any
) -> list[str]:
    """Apply the edit and return its history lines, as the active language says them ([] when nothing changed).
    `seen_at` is the order's `updated_at` on the page the person edited; if the order changed since, StaleOrder and
    nothing is saved. Items: dicts with sku, name, qty, price, and `id` for an item the order already has; a
    missing one is removed."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.updated_at != seen_at:
        raise StaleOrder(gettext("The order changed since you opened it; reload it and make your change again."))
    if locked.is_final:
        raise OrderError(gettext("The order is closed: it can no longer be changed."))
    fields = {field: line_endings_normalised(value) for field, value in fields.items()}
    current = {field: line_endings_normalised(getattr(locked, field)) for field in EDITABLE}
    lines = [
        phrase(
            gettext_noop("%(field)s: %(old)s → %(new)s"),
            field=phrase(LABELS[field]),
            old=_shown(field, current[field]),
            new=_shown(field, value),
        )
        for field, value in fields.items()
        if field in EDITABLE and current[field] != value
    ]
    lines += _edit_items(locked, items)
    if not lines:
        return []
    for field, value in fields.items():
        setattr(locked, field, value)
    locked.total = sum((item.qty * item.price for item in locked.items.all()), Decimal("0"))
    locked.updated_at = timezone.now()
    locked.full_clean(
        exclude=["status", "shop", "customer", "manager"], validate_unique=False, validate_constraints=False
    )
    Order.objects.filter(pk=locked.pk).update(total=locked.total, updated_at=locked.updated_at, **fields)
    if current["delivery_address"] != locked.delivery_address:  # the customer's zone follows their address
        customer_zone_derive(customer=locked.customer)
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(order=locked, kind=OrderEvent.Kind.EDIT, actor=by, **text_columns(line, 500))
            for line in lines
        ]
    )
    signals.order_touched.send(sender=Order, order=locked, by=by)
    order.refresh_from_db()
    return [line.render() for line in lines]


def _edit_items(order: Order, items: list[dict[str, Any]]) -> list[Phrase]:
    current = {item.pk: item for item in order.items.all()}
    kept_ids = {item.get("id") for item in items if item.get("id")}
    if kept_ids - current.keys():
        raise OrderError(gettext("An item of this order was changed elsewhere; reload the order."))
    lines = []
    for pk, item in current.items():
        if pk not in kept_ids:
            item.delete()
            lines.append(phrase(gettext_noop("Removed %(qty)s × %(name)s"), qty=item.qty, name=item.name))
    for row in items:
        if not row.get("id"):
            added = OrderItem(
                order=order, sku=row.get("sku", ""), name=row["name"], qty=row["qty"], price=row["price"]
            )
            added.full_clean(exclude=["order"])
            added.save()
            lines.append(
                phrase(
                    gettext_noop("Added %(qty)s × %(name)s at %(price)s"),
                    qty=added.qty,
                    name=added.name,
                    price=_money(Decimal(added.price)),
                )
            )
            continue
        item = current[row["id"]]
        changes = [
            phrase(
                gettext_noop("%(detail)s %(old)s → %(new)s"),
                detail=phrase(ITEM_LABELS[detail]),
                old=_item_value(old),
                new=_item_value(new),
            )
            for detail, old, new in (
                ("name", item.name, row["name"]),
                ("qty", item.qty, row["qty"]),
                ("price", item.price, row["price"]),
                ("sku", item.sku, row.get("sku", "")),
            )
            if old != new
        ]
        if changes:
            item.name, item.qty, item.price, item.sku = row["name"], row["qty"], row["price"], row.get("sku", "")
            item.full_clean(exclude=["order"])
            item.save()
            lines.append(phrase(gettext_noop("%(name)s: %(changes)s"), name=item.name, changes=joined(changes)))
    # The total is counted from the items as they are now. (Django's prefetch cache: django-stubs leaves it out.)
    order._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    return lines
