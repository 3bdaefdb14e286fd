"""Changing an open order (items, delivery, tracking, comment) as the customer asks on the phone: each change is
one history line in the shop's words, the total follows, and a stale page is refused rather than merged."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from orders import signals
from orders.exceptions import OrderError, StaleOrder
from orders.models import Order, OrderEvent, OrderItem
from orders.services.audit import line_endings_normalised

EDITABLE = ("delivery_address", "delivery_date", "tracking_code", "comment")
LABELS = {
    "delivery_address": "delivery address",
    "delivery_date": "delivery date",
    "tracking_code": "tracking code",
    "comment": "comment",
}


def _shown(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field == "delivery_date":
        return f"{value.day} {value:%b}"
    return str(value)


def _money(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _item_value(value: object) -> object:
    """An item's detail in its history line: a price as money, the rest as it is."""
    return _money(value) if isinstance(value, Decimal) else value


@transaction.atomic
def order_edit(
    *, order: Order, by: User | None, seen_at: datetime, items: list[dict[str, Any]], **fields: Any
) -> list[str]:
    """Apply the edit and return its history lines ([] when nothing changed). `seen_at` is the order's
    `updated_at` on the page the person edited; if the order changed since, StaleOrder and nothing is saved.
    Items: dicts with sku, name, qty, price, and `id` for an item the order already has; a missing one is
    removed."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.updated_at != seen_at:
        raise StaleOrder(gettext("The order changed since you opened it; reload it and make your change again."))
    if locked.is_final:
        raise OrderError(gettext("The order is closed: it can no longer be changed."))
    fields = {field: line_endings_normalised(value) for field, value in fields.items()}
    current = {field: line_endings_normalised(getattr(locked, field)) for field in EDITABLE}
    lines = [
        f"{LABELS[field].capitalize()}: {_shown(field, current[field])} → {_shown(field, value)}"
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
    OrderEvent.objects.bulk_create(
        [OrderEvent(order=locked, kind=OrderEvent.Kind.EDIT, actor=by, text=line[:500]) for line in lines]
    )
    signals.order_touched.send(sender=Order, order=locked, by=by)
    order.refresh_from_db()
    return lines


def _edit_items(order: Order, items: list[dict[str, Any]]) -> list[str]:
    current = {item.pk: item for item in order.items.all()}
    kept_ids = {item.get("id") for item in items if item.get("id")}
    if kept_ids - current.keys():
        raise OrderError(gettext("An item of this order was changed elsewhere; reload the order."))
    lines = []
    for pk, item in current.items():
        if pk not in kept_ids:
            item.delete()
            lines.append(f"Removed {item.qty} × {item.name}")
    for row in items:
        if not row.get("id"):
            added = OrderItem(
                order=order, sku=row.get("sku", ""), name=row["name"], qty=row["qty"], price=row["price"]
            )
            added.full_clean(exclude=["order"])
            added.save()
            lines.append(f"Added {added.qty} × {added.name} at {_money(added.price)}")
            continue
        item = current[row["id"]]
        changes = [
            f"{label} {_item_value(old)} → {_item_value(new)}"
            for label, old, new in (
                ("name", item.name, row["name"]),
                ("quantity", item.qty, row["qty"]),
                ("price", item.price, row["price"]),
                ("SKU", item.sku, row.get("sku", "")),
            )
            if old != new
        ]
        if changes:
            item.name, item.qty, item.price, item.sku = row["name"], row["qty"], row["price"], row.get("sku", "")
            item.full_clean(exclude=["order"])
            item.save()
            lines.append(f"{item.name}: {', '.join(changes)}")
    # The total is counted from the items as they are now. (Django's prefetch cache: django-stubs leaves it out.)
    order._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    return lines
