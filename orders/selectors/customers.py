"""Customer reads: the known customer a manager is typing an order for."""

from dataclasses import dataclass

from orders.models import Customer, Order
from orders.selectors.access import order_scope, shop_scope


@dataclass
class KnownCustomer:
    customer: Customer
    open_orders: list[Order]


def customer_find(*, user, shop_id, phone: str, email: str) -> KnownCustomer | None:
    """The shop's customer with this phone (or, without one, this email), with their open orders the user may
    see; the same lookup intake uses to find a returning customer."""
    if not shop_scope(user).filter(pk=shop_id).exists() or not (phone or email):
        return None
    lookup = {"phone": phone} if phone else {"email": email, "phone": ""}
    customer = Customer.objects.filter(shop_id=shop_id, **lookup).select_related("responsible_manager").first()
    if customer is None:
        return None
    orders = order_scope(user).filter(customer=customer, is_final=False).order_by("-created_at")[:10]
    return KnownCustomer(customer=customer, open_orders=list(orders))
