"""Order writes: intake, history, notes, payments and the customer's rating."""

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.people import staff_name
from core.phrases import Money, Phrase, label, phrase, text_columns
from orders import history, signals
from orders.exceptions import IntakeConflict, OrderError, StatusChangeRefused
from orders.models import Customer, Order, OrderEvent, OrderItem, Shop, Status
from orders.services.clocks import clock_start
from orders.services.customers import customer_upsert


def order_event_add(
    *,
    order: Order,
    kind: str,
    text: Phrase | str,
    actor: User | None = None,
    details: history.Details | None = None,
) -> OrderEvent:
    """Append one line to the order's history (used by every app that acts on an order), with the details its
    kind keeps (orders.history: ValueError when they are not the kind's shape). The desk's own sentences are
    phrases, said in each reader's language (core.phrases); what a person typed (a note) is a string."""
    event = OrderEvent(
        order=order, kind=kind, actor=actor, **text_columns(text, 500), **history.line_fields(kind, details)
    )
    event.save()
    return event


def order_create(
    *,
    shop: Shop,
    customer: dict[str, Any],
    items: list[dict[str, Any]],
    external_id: str = "",
    method: str = Order.Method.MANUAL,
    region: str = "",
    comment: str = "",
    delivery_address: str = "",
    delivery_date: date | None = None,
    by: User | None = None,
    taken_by: User | None = None,
) -> tuple[Order, bool]:
    """Create an order with its customer and items, or return the shop's existing order with this
    external_id (idempotent intake). Returns (order, created). The same external_id with other content raises
    IntakeConflict naming the fields that differ (a hash per field of what was accepted is kept on the order).
    What follows, in this transaction, is the desk's pipeline (`order_created` → desk.flows.order_arrived).
    `taken_by`: the manager who typed the order in and takes it (refused: IntakeRefused, nothing is saved)."""
    content: dict[str, Any] = dict(
        customer=customer,
        items=items,
        method=method,
        region=region,
        comment=comment,
        delivery_address=delivery_address,
    )
    fingerprint = intake_fingerprint(**content)
    content["delivery_date"] = delivery_date
    try:
        with transaction.atomic():
            fingerprint_kept = fingerprint if external_id else {}
            return _order_insert(
                shop=shop,
                external_id=external_id,
                fingerprint=fingerprint_kept,
                by=by,
                taken_by=taken_by,
                **content,
            ), True
    except IntegrityError:
        # The shop already has an order with this external_id (the unique constraint says so, no query before
        # every new order): a repeat, answered with that order, or other content under the same id.
        existing = _existing_same(shop, external_id, fingerprint)
        if existing is not None:
            return existing, False
        raise


def intake_fingerprint(**fields: Any) -> dict[str, str]:
    """A hash per field of an order as accepted, so a repeat can be told apart from a different order under
    the same external_id (and the storefront told which fields differ)."""
    canonical = {
        "customer": {key: fields["customer"].get(key) or "" for key in ("name", "phone", "email", "legal_type")}
        | {"is_vip": bool(fields["customer"].get("is_vip"))},
        "items": [
            {
                "sku": item.get("sku") or "",
                "name": item["name"],
                "qty": int(item["qty"]),
                "price": str(Decimal(item["price"]).quantize(Decimal("0.01"))),
            }
            for item in fields["items"]
        ],
    } | {key: fields[key] or "" for key in ("method", "region", "comment", "delivery_address")}
    return {
        key: hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
        for key, value in canonical.items()
    }


def _existing_same(shop: Shop, external_id: str, fingerprint: dict[str, str]) -> Order | None:
    """The shop's order with this external_id, if any; IntakeConflict if it was accepted with other content."""
    if not external_id:
        return None
    existing = Order.objects.filter(shop=shop, external_id=external_id).first()
    if existing is not None and existing.intake_fingerprint:
        differing = sorted(
            key for key, value in fingerprint.items() if existing.intake_fingerprint.get(key) != value
        )
        if differing:
            raise IntakeConflict(order=existing, fields=differing)
    return existing


def _order_insert(
    *,
    shop: Shop,
    customer: dict[str, Any],
    items: list[dict[str, Any]],
    external_id: str,
    method: str,
    region: str,
    comment: str,
    delivery_address: str,
    delivery_date: date | None,
    fingerprint: dict[str, str],
    by: User | None,
    taken_by: User | None,
) -> Order:
    now = timezone.now()
    # Who changed a known customer's details, and with what: the history line says.
    source = (
        phrase(gettext_noop("with the storefront's order %(external_id)s"), external_id=external_id)
        if external_id
        else phrase(gettext_noop("with a new order"))
    )
    buyer = customer_upsert(shop=shop, **customer, by=by, source=source, places=[delivery_address, region])
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
        delivery_date=delivery_date,
        total=sum((Decimal(item["qty"]) * Decimal(item["price"]) for item in items), Decimal("0")),
        status_entered_at=now,
        intake_fingerprint=fingerprint,
    )
    clock_start(order, new_status, now)
    # Field validation only (the protected status is set only by the fsm): shop and customer were just read, and
    # the database's constraints guard the rest without a query each (a repeated external_id among them).
    order.full_clean(exclude=["status", "shop", "customer"], validate_unique=False, validate_constraints=False)
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
        text=phrase(
            gettext_noop("Order received (%(method)s), total %(total)s."),
            method=label(Order.Method(order.method).label),
            total=Money(order.total, shop.currency),
        ),
        details=history.Received(external_id=external_id),
    )
    signals.order_created.send(sender=Order, order=order, taken_by=taken_by)
    return order


@transaction.atomic
def order_record_message(*, order: Order, by: User | None, channel_label: str) -> OrderEvent:
    """A member of staff wrote to the order's customer: a history line, and it counts as working on the order
    (the acceptance clock stops, as for a call)."""
    event = order_event_add(
        order=order,
        kind=OrderEvent.Kind.MESSAGE,
        actor=by,
        text=phrase(gettext_noop("Wrote to the customer by %(channel)s."), channel=label(channel_label)),
    )
    signals.order_touched.send(sender=Order, order=order, by=by)
    return event


@transaction.atomic
def order_add_note(*, order: Order, by: User | None, text: str) -> OrderEvent:
    text = text.strip()
    if not text:
        raise StatusChangeRefused(gettext("A note cannot be empty."))
    event = order_event_add(order=order, kind=OrderEvent.Kind.NOTE, actor=by, text=text)
    signals.order_touched.send(sender=Order, order=order, by=by)
    return event


@transaction.atomic
def order_record_payment(*, order: Order, state: str, amount: Decimal) -> Order:
    """A payment event from the storefront; a failure alerts the people working on the order."""
    order = Order.objects.select_for_update(of=("self",)).select_related("shop").get(pk=order.pk)
    order.payment_state = state
    if state == Order.PaymentState.PAID:
        order.paid_amount = F("paid_amount") + amount
    order.save(update_fields=["payment_state", "paid_amount", "updated_at"])
    order.refresh_from_db(fields=["paid_amount"])
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.PAYMENT,
        text=phrase(
            gettext_noop("%(state)s: %(amount)s"),
            state=label(Order.PaymentState(state).label),
            amount=Money(amount, order.shop.currency),
        ),
        details=history.Payment(state=state, amount=amount),
    )
    if state == Order.PaymentState.FAILED:
        signals.payment_failed.send(sender=Order, order=order, amount=amount)
    signals.payment_recorded.send(sender=Order, order=order, state=state, amount=amount)
    return order


@transaction.atomic
def order_record_rating(
    *, order: Order, rating: int, source: str | Phrase, by: User | None = None, comment: str = ""
) -> Order:
    """The customer's rating (1–5) on the order; staff never edit it, an inspector's correction (`by`) is its
    own history line. The customer's comment goes with it when no message on the order shows it."""
    if rating not in range(1, 6):
        raise OrderError(gettext("A rating is a whole number from 1 to 5."))
    previous = Order.objects.select_for_update().values_list("rating", flat=True).get(pk=order.pk)
    Order.objects.filter(pk=order.pk).update(rating=rating)
    order.rating = rating
    if by is None and comment:
        text = phrase(
            gettext_noop("Rated %(rating)s/5 by the customer (%(source)s): “%(comment)s”"),
            rating=rating,
            source=source,
            comment=comment,
        )
    elif by is None:
        text = phrase(
            gettext_noop("Rated %(rating)s/5 by the customer (%(source)s)."), rating=rating, source=source
        )
    elif previous:
        text = phrase(
            gettext_noop("Rating set to %(rating)s/5 by %(name)s (%(source)s), was %(was)s/5."),
            rating=rating,
            name=staff_name(by),
            source=source,
            was=previous,
        )
    else:
        text = phrase(
            gettext_noop("Rating set to %(rating)s/5 by %(name)s (%(source)s)."),
            rating=rating,
            name=staff_name(by),
            source=source,
        )
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.RATING,
        actor=by,
        text=text,
        details=history.Rated(rating=rating, was=previous),
    )
    signals.order_rated.send(sender=Order, order=order, rating=rating)
    return order
