"""Customer reads: the known customer a manager is typing an order for, and the customer page."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from orders.models import Customer, CustomerEvent, Order, OrderEvent, Task
from orders.selectors.access import order_scope, shop_scope


@dataclass
class KnownCustomer:
    customer: Customer
    open_orders: list[Order]
    # Another customer of the shop whose email was typed with this customer's phone: the phone decides whose
    # order it is, and the email stays theirs.
    email_owner: Customer | None = None


def customer_find(*, user: User, shop_id: int | str, phone: str, email: str) -> KnownCustomer | None:
    """The shop's customer with this phone (or, without one, this email in any case), with their open orders the
    user may see; the same lookup intake uses to find a returning customer."""
    if not shop_scope(user).filter(pk=shop_id).exists() or not (phone or email):
        return None
    customers = Customer.objects.filter(shop_id=shop_id)
    customer = customers.by_contact(phone=phone, email=email).select_related("responsible_manager").first()
    if customer is None:
        return None
    orders = order_scope(user).filter(customer=customer, is_final=False).order_by("-created_at")[:10]
    email_owner = None
    if phone and email and email.lower() != customer.email.lower():
        email_owner = customers.by_contact(phone="", email=email).exclude(pk=customer.pk).first()
    return KnownCustomer(customer=customer, open_orders=list(orders), email_owner=email_owner)


def customer_get_for_user(*, user: User, pk: int) -> Customer:
    """A customer of a shop the user sees; 404 for anyone else."""
    try:
        return Customer.objects.select_related("shop", "responsible_manager").get(pk=pk, shop__in=shop_scope(user))
    except Customer.DoesNotExist as exc:
        raise Http404("No such customer") from exc


@dataclass
class CustomerPage:
    orders: QuerySet[Order]  # paginated by the view
    tasks: list[Task]
    calls: list[OrderEvent]
    history: list[CustomerEvent]
    same_email: int  # other customers of the shop with this email: perhaps the same person


def customer_page(*, customer: Customer, user: User) -> CustomerPage:
    """What the customer page shows, in a fixed number of queries whatever the customer's history."""
    orders = (
        order_scope(user)
        .filter(customer=customer)
        .select_related("shop", "customer", "manager")
        .order_by("-created_at", "-pk")
    )
    calls = (
        OrderEvent.objects.filter(order__customer=customer, kind=OrderEvent.Kind.CALL)
        .select_related("actor", "order")
        .order_by("-created_at", "-pk")[:10]
    )
    tasks = customer.tasks.filter(done_at__isnull=True).select_related("assignee", "order").order_by("due_at")[:20]
    same_email = (
        Customer.objects.filter(shop=customer.shop_id, email__iexact=customer.email)
        .exclude(pk=customer.pk)
        .count()
        if customer.email
        else 0
    )
    return CustomerPage(
        orders=orders,
        tasks=list(tasks),
        calls=list(calls),
        history=list(customer.events.select_related("actor")[:20]),
        same_email=same_email,
    )
