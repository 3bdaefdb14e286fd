"""Order writes: intake, history, notes, payments and the customer's rating."""

import hashlib
import json
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.people import staff_name
from core.phrases import Money, Phrase, label, phrase, text_columns
from orders import history, signals
from orders.exceptions import IntakeConflict, OrderError, PaymentConflict, StatusChangeRefused
from orders.models import Customer, Order, OrderEvent, OrderItem, Shop, Status
from orders.services.clocks import clock_start
from orders.services.customers import customer_upsert

# What the storefront and the New order page say of how the customer pays and when and how it is delivered.
SLOT_FIELDS = ("payment_method", "delivery_method", "delivery_date", "delivery_time_from", "delivery_time_to")


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
    delivery_time_from: time | None = None,
    delivery_time_to: time | None = None,
    payment_method: str = "",
    delivery_method: str = "",
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
        delivery_date=delivery_date,
        delivery_time_from=delivery_time_from,
        delivery_time_to=delivery_time_to,
        payment_method=payment_method,
        delivery_method=delivery_method,
    )
    fingerprint = intake_fingerprint(**content)
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
    # What the storefront says of paying and delivering (an order accepted before these were kept has no hash
    # of them: _existing_same compares the fields an order was accepted with).
    canonical |= {key: str(fields.get(key) or "") for key in SLOT_FIELDS}
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
            key
            for key, value in fingerprint.items()
            if key in existing.intake_fingerprint and existing.intake_fingerprint[key] != value
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
    delivery_time_from: time | None,
    delivery_time_to: time | None,
    payment_method: str,
    delivery_method: str,
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
        delivery_time_from=delivery_time_from,
        delivery_time_to=delivery_time_to,
        payment_method=payment_method,
        delivery_method=delivery_method,
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
def order_record_payment(*, order: Order, state: str, amount: Decimal, payment_id: str = "") -> Order:
    """A payment event from the storefront; `amount` is this event's money. Paid and partly paid add it to what
    was paid, and the money decides the state: paid once the total is covered (what was paid then counts as the
    total), partly paid before. Refunded takes it back (never below nothing); failed changes no money. Each is a
    history line, then `payment_recorded` (the desk's payment triggers) and, for a failure, `payment_failed`.
    A `payment_id` (the storefront's id for the payment) already recorded is a retry: the same state and amount
    change nothing; another state or amount raises PaymentConflict. Without one every call is a new payment."""
    order = Order.objects.select_for_update(of=("self",)).select_related("shop").get(pk=order.pk)
    if payment_id and (line := order.events.filter(history.Payment.lines_of(payment_id)).first()) is not None:
        recorded = history.Payment.of(line)
        differing = [
            field
            for field, same in (("state", recorded.reported == state), ("amount", recorded.amount == amount))
            if not same
        ]
        if differing:
            raise PaymentConflict(payment_id=payment_id, fields=differing)
        return order
    paid = order.paid_amount
    if state in (Order.PaymentState.PAID, Order.PaymentState.PARTLY_PAID):
        paid += amount
        if paid >= order.total:
            paid, order.payment_state = order.total, Order.PaymentState.PAID
        else:
            order.payment_state = Order.PaymentState.PARTLY_PAID
    else:
        if state == Order.PaymentState.REFUNDED:
            paid = max(paid - amount, Decimal("0"))
        order.payment_state = state
    order.paid_amount = paid
    order.save(update_fields=["payment_state", "paid_amount", "updated_at"])
    event = order_event_add(
        order=order,
        kind=OrderEvent.Kind.PAYMENT,
        text=phrase(
            gettext_noop("%(state)s: %(amount)s"),
            state=label(Order.PaymentState(order.payment_state).label),
            amount=Money(amount, order.shop.currency),
        ),
        details=history.Payment(state=order.payment_state, amount=amount, reported=state, payment_id=payment_id),
    )
    signals.payment_recorded.send(
        sender=Order, order=order, event=event, state=order.payment_state, amount=amount, payment_id=payment_id
    )
    if state == Order.PaymentState.FAILED:
        signals.payment_failed.send(sender=Order, order=order, amount=amount)
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
    return order
