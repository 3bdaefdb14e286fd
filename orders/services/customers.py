"""Customer writes: found again by phone (or email) per shop, created when new; every change of a known
customer's details, whichever way it comes (an order typed in, the storefront, the customer page, admin), is a line
of the customer's history with who and when. The customer's time zone is derived again whenever an address, a
region or a phone that says it changes (no history line: a derived value; a zone set by hand is a detail)."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_noop

from core.people import staff_name
from core.phrases import Phrase, phrase, text_columns
from orders.models import Customer, CustomerEvent, Order, Shop, ZoneSource
from orders.zones import derive_zone

# What intake may change on a customer it finds again.
UPSERT_FIELDS = ["name", "email", "legal_type", "is_vip"]
# The zone worked out from the customer's orders and phone (`customer_zone_derive`).
ZONE_FIELDS = ["derived_timezone", "timezone_source", "timezone_place"]
# How many of the customer's latest orders are read for a place.
ZONE_ORDERS = 10

# The details a person reads on the customer page, in the words of their history lines.
DETAIL_LABELS = {
    "name": gettext_noop("Name"),
    "phone": gettext_noop("Phone"),
    "email": gettext_noop("Email"),
    "legal_type": gettext_noop("Type"),
    "is_vip": gettext_noop("VIP"),
    "timezone": gettext_noop("Time zone"),
    "responsible_manager": gettext_noop("Responsible manager"),
}


def customer_upsert(
    *,
    shop: Shop,
    name: str,
    phone: str,
    email: str,
    legal_type: str,
    is_vip: bool,
    by: User | None = None,
    source: Phrase | None = None,
    places: Iterable[str] = (),
) -> Customer:
    """The shop's customer with this phone (or, without a phone, this email in any case); created when new. What
    the order changes on a known customer is written to their history (`by`: who typed it; `source`: where it
    came from). `places`: the new order's delivery address and region, which the customer's zone follows."""
    customer = Customer.objects.select_for_update().filter(shop=shop).by_contact(phone=phone, email=email).first()
    saved = UPSERT_FIELDS + ZONE_FIELDS
    known = {field: getattr(customer, field) for field in saved} if customer is not None else None
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
        if email and email.lower() != customer.email.lower():  # the same address in capitals is not a new one
            customer.email = email
        customer.legal_type = legal_type or customer.legal_type
        customer.is_vip = customer.is_vip or is_vip
    # This order's place, else the place an earlier order named (its name says it again), else the phone.
    earlier = [customer.timezone_place] if customer.timezone_source == ZoneSource.ADDRESS else []
    _zone_derived(customer, places=[*places, *earlier])
    if known == {field: getattr(customer, field) for field in saved}:
        return customer  # a repeat customer as we know them: nothing to write
    # Field validation only: the shop was just read, and the database's constraints guard uniqueness and a
    # contact (the intake form asks for a phone or an email), without a query each.
    customer.full_clean(exclude=["shop", "responsible_manager"], validate_unique=False, validate_constraints=False)
    customer.save(update_fields=saved if known is not None else None)
    if known is not None:
        before = {field: known[field] for field in UPSERT_FIELDS}
        customer_history_add(customer=customer, before=before, by=by, source=source)
    return customer


def _zone_derived(customer: Customer, *, places: Iterable[str]) -> None:
    """Set the customer's derived zone (unsaved) from the places written (newest first) and their phone."""
    derived = derive_zone(places_written=places, phone=customer.phone)
    customer.derived_timezone, customer.timezone_source, customer.timezone_place = (
        derived.zone,
        derived.source,
        derived.place,
    )


def _order_places(customer: Customer) -> list[str]:
    """The delivery addresses and regions of the customer's latest orders, newest first."""
    rows = Order.objects.filter(customer=customer).order_by("-created_at", "-pk")[:ZONE_ORDERS]
    return [text for row in rows.values_list("delivery_address", "region") for text in row if text]


def customer_zone_derive(*, customer: Customer) -> Customer:
    """Derive the customer's zone again from their orders' addresses and regions and their phone (after an order's
    address changed); saved only when it changed."""
    before = [getattr(customer, field) for field in ZONE_FIELDS]
    _zone_derived(customer, places=_order_places(customer))
    if before != [getattr(customer, field) for field in ZONE_FIELDS]:
        Customer.objects.filter(pk=customer.pk).update(
            **{field: getattr(customer, field) for field in ZONE_FIELDS}
        )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: User | None, **changes: Any) -> list[str]:
    """Change a customer's details (name, phone, email, type, VIP mark, time zone, responsible manager); each
    change is a line of the customer's history."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = {field: getattr(customer, field) for field in changes if field in DETAIL_LABELS}
    for field, value in changes.items():
        if field in DETAIL_LABELS:
            setattr(customer, field, value)
    if before == {field: getattr(customer, field) for field in before}:
        return []
    if customer.phone != before.get("phone", customer.phone):
        _zone_derived(customer, places=_order_places(customer))
    customer.full_clean(
        exclude=["responsible_manager"]
    )  # a phone another customer of the shop has is refused here
    customer.save()
    return customer_history_add(customer=customer, before=before, by=by)


def customer_history_add(
    *, customer: Customer, before: dict[str, Any], by: User | None, source: Phrase | None = None
) -> list[str]:
    """One history line per detail that differs from `before` (`source`: where the change came from); the lines
    written, as the active language says them."""
    lines = [
        phrase(
            gettext_noop("%(field)s: %(old)s → %(new)s"),
            field=phrase(DETAIL_LABELS[field]),
            old=_said(old),
            new=_said(getattr(customer, field)),
        )
        for field, old in before.items()
        if old != getattr(customer, field)
    ]
    if source is not None:
        lines = [phrase(gettext_noop("%(line)s (%(source)s)"), line=line, source=source) for line in lines]
    CustomerEvent.objects.bulk_create(
        [CustomerEvent(customer=customer, actor=by, **text_columns(line, 500)) for line in lines]
    )
    return [line.render() for line in lines]


def _said(value: Any) -> Phrase | str:
    if hasattr(value, "get_full_name"):
        return staff_name(value)
    if isinstance(value, bool):
        return phrase(gettext_noop("yes") if value else gettext_noop("no"))
    return str(value or "—")


def customer_set_responsible(*, customer: Customer, manager: User | None, by: User | None) -> Customer:
    """A supervisor names the customer's responsible manager (whom routing sends their next orders to)."""
    customer_update(customer=customer, by=by, responsible_manager=manager)
    customer.responsible_manager = manager
    return customer
