"""Customer writes: found again by phone (or email) per shop, created when new; contact details and the
responsible manager changed with a history line each."""

from django.db import transaction

from orders.clock import zone_for_phone
from orders.models import Customer, CustomerEvent, Shop
from orders.roles import staff_name

# What intake may change on a customer it finds again.
UPSERT_FIELDS = ["name", "email", "legal_type", "is_vip", "timezone"]


def customer_upsert(*, shop: Shop, name: str, phone: str, email: str, legal_type: str, is_vip: bool) -> Customer:
    """The shop's customer with this phone (or, without a phone, this email); created when new."""
    lookup = Customer.contact_lookup(phone=phone, email=email)
    customer = Customer.objects.select_for_update().filter(shop=shop, **lookup).first()
    known = [getattr(customer, field) for field in UPSERT_FIELDS] if customer is not None else None
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
    if known == [getattr(customer, field) for field in UPSERT_FIELDS]:
        return customer  # a repeat customer as we know them: nothing to write
    # Field validation only: the shop was just read, and the database's constraints guard uniqueness and a
    # contact (the intake form asks for a phone or an email), without a query each.
    customer.full_clean(exclude=["shop", "responsible_manager"], validate_unique=False, validate_constraints=False)
    customer.save(update_fields=UPSERT_FIELDS if known is not None else None)
    return customer


CONTACT_FIELDS = {"name": "name", "phone": "phone", "email": "email", "is_vip": "VIP"}


@transaction.atomic
def customer_update(*, customer: Customer, by, **changes) -> list[str]:
    """Change a customer's name, phone, email or VIP mark; each change is a line of the customer's history."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    lines = []
    for field, value in changes.items():
        old = getattr(customer, field)
        if field in CONTACT_FIELDS and old != value:
            lines.append(f"{CONTACT_FIELDS[field].capitalize()}: {_said(old)} → {_said(value)}")
            setattr(customer, field, value)
    if not lines:
        return []
    customer.full_clean(
        exclude=["responsible_manager"]
    )  # a phone another customer of the shop has is refused here
    customer.save()
    CustomerEvent.objects.bulk_create([CustomerEvent(customer=customer, actor=by, text=line) for line in lines])
    return lines


def _said(value) -> str:
    return {True: "yes", False: "no"}.get(value, value) or "—"


@transaction.atomic
def customer_set_responsible(*, customer: Customer, manager, by) -> Customer:
    """A supervisor names the customer's responsible manager (whom routing sends their next orders to)."""
    previous = customer.responsible_manager
    Customer.objects.filter(pk=customer.pk).update(responsible_manager=manager)
    customer.responsible_manager = manager
    CustomerEvent.objects.create(
        customer=customer, actor=by, text=f"Responsible manager: {staff_name(previous)} → {staff_name(manager)}"
    )
    return customer
