"""The order as the storefront sees it: what the status API answers and what outbound webhooks carry.

One function per part of the document (status, payment, items, delivery, manager, history), each reading only
what `_with_parts` fetched, so a page of N orders costs the same few queries as one order. What a part leaves
out is as deliberate as what it shows: the customer-facing history holds the order's statuses (by the names the
shop gave them) and the carrier's reports, never notes, calls, tasks, who did what, or any staff name but the
manager's first name.

Shape (datetimes ISO 8601 with their offset, in UTC; money a string with two decimals):
    {"number", "external_id", "status": {"code", "name"},
     "payment": {"state", "method", "paid", "due", "currency"},
     "items": [{"sku", "name", "qty", "price"}], "total",
     "delivery": {"method", "address", "date", "time_from", "time_to", "carrier", "tracking_code", "state",
                  "timeline": [{"state", "at", "location"}]},
     "manager": {"first_name"} | None, "history": [{"at", "kind", "text"}], "created_at", "updated_at"}"""

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import translation

from orders.models import DeliveryEvent, Order, OrderEvent, Shop, Status
from orders.payment_links import order_balance
from orders.selectors.matrix import status_by_code, status_name

Document = dict[str, Any]

# A page of the changes list: at most this many orders, this many when the storefront does not say.
CHANGES_LIMIT_MAX = 200
CHANGES_LIMIT_DEFAULT = 50


def moment(at: datetime) -> str:
    """A moment as the document writes it: ISO 8601 in UTC, to the microsecond (what `updated_since` compares)."""
    return at.astimezone(UTC).isoformat()


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def clock(value: time | None) -> str | None:
    """A delivery slot's end as the intake takes it: "14:00"."""
    return f"{value:%H:%M}" if value is not None else None


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


@dataclass(frozen=True)
class Reading:
    """What a page of documents reads once for all its orders."""

    statuses: dict[str, Status]


def _status(order: Order, reading: Reading) -> Document:
    return {"code": order.status, "name": status_name(order.status, reading.statuses)}


def _payment(order: Order, reading: Reading) -> Document:
    return {
        "state": order.payment_state,
        "method": order.payment_method or None,
        "paid": money(order.paid_amount),
        "due": money(order_balance(order)),
        "currency": order.shop.currency,
    }


def _items(order: Order, reading: Reading) -> list[Document]:
    return [
        {"sku": item.sku, "name": item.name, "qty": item.qty, "price": money(item.price)}
        for item in order.items.all()
    ]


def _reports(order: Order) -> list[DeliveryEvent]:
    return list(order.delivery_events.all())  # oldest first (the model's ordering: the carrier's time)


def _delivery(order: Order, reading: Reading) -> Document:
    reports = _reports(order)
    latest = reports[-1] if reports else None
    return {
        "method": order.delivery_method or None,
        "address": order.delivery_address or None,
        "date": day(order.delivery_date),
        "time_from": clock(order.delivery_time_from),
        "time_to": clock(order.delivery_time_to),
        "carrier": latest.carrier if latest else None,
        "tracking_code": order.tracking_code or None,
        "state": latest.state if latest else None,
        "timeline": [
            {"state": report.state, "at": moment(report.at), "location": report.location or None}
            for report in reports
        ],
    }


def _manager(order: Order, reading: Reading) -> Document | None:
    if order.manager is None:
        return None
    return {"first_name": order.manager.first_name or None}


def _history(order: Order, reading: Reading) -> list[Document]:
    """The statuses the order went through (the first from when it was received) and the carrier's reports, oldest
    first; the reports said in the shop's customers' language."""
    moves: list[OrderEvent] = order.status_lines  # type: ignore[attr-defined]  # prefetched by _with_parts
    first = moves[0].status_from if moves and moves[0].status_from else order.status
    lines: list[tuple[datetime, Document]] = [(order.created_at, _status_line(order.created_at, first, reading))]
    lines += [(move.created_at, _status_line(move.created_at, move.status_to or "", reading)) for move in moves]
    with translation.override(order.shop.customer_language):
        lines += [
            (report.at, {"at": moment(report.at), "kind": "delivery", "text": report.report.render()})
            for report in _reports(order)
        ]
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def _status_line(at: datetime, code: str, reading: Reading) -> Document:
    return {"at": moment(at), "kind": "status", "text": status_name(code, reading.statuses)}


# The document's parts in the order they are written, after its number and external id. A part reads the order
# (with what `_with_parts` fetched) and what the page read once.
PARTS: dict[str, Callable[[Order, Reading], Any]] = {
    "status": _status,
    "payment": _payment,
    "items": _items,
    "total": lambda order, reading: money(order.total),
    "delivery": _delivery,
    "manager": _manager,
    "history": _history,
}


def _with_parts(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The orders with what every part reads: one query per relation, however many orders."""
    status_lines = OrderEvent.objects.filter(kind=OrderEvent.Kind.STATUS).only(
        "order_id", "status_from", "status_to", "created_at"
    )
    return orders.select_related("shop", "manager").prefetch_related(
        "items",
        "delivery_events",
        Prefetch("events", queryset=status_lines.order_by("created_at", "pk"), to_attr="status_lines"),
    )


def _document(order: Order, reading: Reading) -> Document:
    document: Document = {"number": order.number, "external_id": order.external_id or None}
    document.update((name, part(order, reading)) for name, part in PARTS.items())
    document.update(created_at=moment(order.created_at), updated_at=moment(order.updated_at))
    return document


def order_documents(orders: QuerySet[Order]) -> list[Document]:
    """The documents of these orders (in the queryset's order), read fresh from the database in a constant number
    of queries (the orders, their items, carrier reports and status lines, the statuses)."""
    rows = list(_with_parts(orders))
    if not rows:
        return []
    reading = Reading(statuses=status_by_code())
    return [_document(order, reading) for order in rows]


def order_document(order: Order) -> Document:
    """The order's document as the database holds it now (inside a transaction: with its changes)."""
    return order_documents(Order.objects.filter(pk=order.pk))[0]


# The changes list, oldest change first: a cursor is where the last page ended (its last order's updated_at and
# id), opaque to the storefront.


class BadCursor(ValueError):
    pass


def cursor_encode(order: Order) -> str:
    return base64.urlsafe_b64encode(f"{moment(order.updated_at)}|{order.pk}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    """(updated_at, id) from a cursor this module wrote; BadCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        after = datetime.fromisoformat(at)
        position = (after, int(pk))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor("The cursor is not one this API gave.") from exc
    if after.tzinfo is None or position[1] < 1:
        raise BadCursor("The cursor is not one this API gave.")
    return position


@dataclass(frozen=True)
class ChangesPage:
    documents: list[Document]
    next_cursor: str | None


def order_changes(
    *, shop: Shop, since: datetime | None, after: tuple[datetime, int] | None, limit: int
) -> ChangesPage:
    """The shop's orders changed at or after `since`, by (updated_at, id), the page after `after` (a decoded
    cursor): `limit` documents and the cursor of the next page (None on the last). The index on (shop, updated_at,
    id) gives each page in a range read that stops after `limit` + 1 rows, however many orders the shop has."""
    orders = Order.objects.filter(shop=shop)
    if since is not None:
        orders = orders.filter(updated_at__gte=since)
    if after is not None:
        at, pk = after
        orders = orders.filter(updated_at__gte=at).filter(Q(updated_at__gt=at) | Q(pk__gt=pk))
    rows = list(_with_parts(orders.order_by("updated_at", "pk")[: limit + 1]))
    page = rows[:limit]
    reading = Reading(statuses=status_by_code())
    documents = [_document(order, reading) for order in page]
    return ChangesPage(documents, cursor_encode(page[-1]) if len(rows) > limit else None)
