"""Customer writes: found again by phone (or email) per shop, created when new."""

from orders.clock import zone_for_phone
from orders.models import Customer, Shop


def customer_upsert(*, shop: Shop, name: str, phone: str, email: str, legal_type: str, is_vip: bool) -> Customer:
    """The shop's customer with this phone (or, without a phone, this email); created when new."""
    lookup = {"phone": phone} if phone else {"email": email, "phone": ""}
    customer = Customer.objects.select_for_update().filter(shop=shop, **lookup).first()
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
    # Field validation only: the shop was just read, and the database's constraints guard uniqueness and a
    # contact (the intake form asks for a phone or an email), without a query each.
    customer.full_clean(exclude=["shop", "responsible_manager"], validate_unique=False, validate_constraints=False)
    customer.save()
    return customer
