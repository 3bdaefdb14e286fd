from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from orders.filters import OrderFilter
from orders.models import AccessGrant, CallScript, Order, OrderEvent, Shop, Status, StatusTransition, Task
from orders.roles import INSPECTOR, MANAGER, SUPERVISOR, is_admin, staff_name, user_roles


def _grant(user) -> AccessGrant | None:
    """The user's grant with its shops, read once per request."""
    if not hasattr(user, "_orderdesk_grant"):
        user._orderdesk_grant = AccessGrant.objects.filter(user=user).prefetch_related("shops").first()
    return user._orderdesk_grant


def granted_shop_ids(user) -> list[int]:
    grant = _grant(user)
    return [shop.pk for shop in grant.shops.all()] if grant else []


def order_scope(user) -> QuerySet[Order]:
    """Every order the user may see and work on. The one gate for lists, pages, exports and the API."""
    orders = Order.objects.all()
    if is_admin(user):
        return orders
    roles = user_roles(user)
    if not roles:
        return orders.none()
    grant = _grant(user)
    shop_ids = granted_shop_ids(user)
    granted = Q(shop_id__in=shop_ids) if shop_ids else Q()
    if roles & {SUPERVISOR, INSPECTOR}:
        return orders.filter(granted)
    if grant is not None:
        for field, values in (("order_type", grant.order_types), ("method", grant.methods)):
            if values:
                granted &= Q(**{f"{field}__in": values})
        if grant.regions:
            granted &= Q(region__in=grant.regions)
    if not granted:  # nothing restricted: every order
        return orders
    return orders.filter(granted | Q(manager=user))


def shop_scope(user) -> QuerySet[Shop]:
    shop_ids = [] if is_admin(user) else granted_shop_ids(user)
    return Shop.objects.filter(pk__in=shop_ids) if shop_ids else Shop.objects.all()


def order_get_for_user(*, user, pk: int) -> Order:
    """One order the user may see, with what its page needs; 404 for anyone outside the scope."""
    try:
        return (
            order_scope(user)
            .select_related("shop", "customer", "manager", "customer__responsible_manager")
            .prefetch_related("items")
            .get(pk=pk)
        )
    except Order.DoesNotExist as exc:
        raise Http404("No such order") from exc


def order_history(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("-created_at", "-pk")


def statuses_by_code() -> dict[str, Status]:
    return {status.code: status for status in Status.objects.all()}


def status_next_for(*, order: Order, user) -> list[Status]:
    """The statuses this user may move the order to, exactly as the matrix allows."""
    steps = (
        StatusTransition.objects.filter(source__code=order.status)
        .select_related("target")
        .prefetch_related("groups")
        .order_by("target__position")
    )
    if is_admin(user) and user.is_superuser:
        return [step.target for step in steps]
    user_group_ids = set(user.groups.values_list("pk", flat=True))
    return [
        step.target
        for step in steps
        if not (allowed := {group.pk for group in step.groups.all()}) or allowed & user_group_ids
    ]


def staff_for_shop(*, shop_id: int, roles: tuple[str, ...]):
    """Members of these roles who cover the shop: granted it, or granted no shop restriction at all."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    covering = users.filter(Q(access_grant__shops=shop_id) | Q(access_grant__shops__isnull=True))
    return covering.distinct().order_by("first_name", "last_name", "username")


def supervisors_for_shop(*, shop_id: int):
    return staff_for_shop(shop_id=shop_id, roles=(SUPERVISOR,))


def managers_for_shop(*, shop_id: int):
    return staff_for_shop(shop_id=shop_id, roles=(MANAGER,))


def colleagues_for_shop(*, shop_id: int):
    """Whom a task about this shop's customer can be given to."""
    return staff_for_shop(shop_id=shop_id, roles=(MANAGER, SUPERVISOR))


def order_list(*, user, params, mine: bool):
    """The filtered, sorted list a person works from, with what each row shows joined in."""
    open_tasks = Task.objects.filter(order=OuterRef("pk"), done_at__isnull=True)
    orders = (
        order_scope(user).select_related("shop", "customer", "manager").annotate(has_next_step=Exists(open_tasks))
    )
    if mine:
        orders = orders.filter(manager=user)
    return OrderFilter(params, queryset=orders, shops=shop_scope(user))


# Tasks and calls ---------------------------------------------------------------------------------------------


def tasks_open_for(*, user, limit: int = 50) -> QuerySet[Task]:
    """A person's open tasks, soonest first (task_open_idx)."""
    return (
        Task.objects.filter(assignee=user, done_at__isnull=True)
        .select_related("order", "customer")
        .order_by("due_at", "pk")[:limit]
    )


def tasks_overdue_for_team(*, user, now: datetime, limit: int = 20) -> QuerySet[Task]:
    """Open tasks past due in the shops a supervisor sees, most overdue first."""
    return (
        Task.objects.filter(done_at__isnull=True, due_at__lt=now, customer__shop__in=shop_scope(user))
        .select_related("order", "customer", "assignee")
        .order_by("due_at", "pk")[:limit]
    )


def tasks_open_for_order(*, order: Order) -> QuerySet[Task]:
    return order.tasks.filter(done_at__isnull=True).select_related("assignee").order_by("due_at", "pk")


def task_get_for_user(*, user, pk: int) -> Task:
    """A task the user may close: theirs, or about an order they can see."""
    visible = Task.objects.filter(Q(assignee=user) | Q(order__in=order_scope(user)))
    try:
        return visible.select_related("order", "customer").get(pk=pk)
    except Task.DoesNotExist as exc:
        raise Http404("No such task") from exc


def call_script_for(*, order: Order, user) -> list[tuple[str, str]]:
    """The shop's call script with this customer's, manager's and shop's names put in."""
    script = CallScript.objects.filter(shop_id=order.shop_id).first()
    if script is None:
        return []
    return script.filled(customer=order.customer.name, manager=staff_name(user), shop=order.shop.name)


MANAGER_EVENTS = {OrderEvent.Kind.ASSIGNMENT, OrderEvent.Kind.MANAGER}
TAKE_UP_EVENTS = {OrderEvent.Kind.STATUS, OrderEvent.Kind.CALL, OrderEvent.Kind.NOTE, OrderEvent.Kind.TASK}


def take_up_deadline(*, order: Order, history: list[OrderEvent]) -> datetime | None:
    """By when the manager must take up (work on) an order routing gave them, while they still must; read from
    the history the order page already holds, newest first: routing's assignment event carries the deadline."""
    for event in history:
        if event.kind in TAKE_UP_EVENTS and event.actor_id is not None and event.actor_id == order.manager_id:
            return None
        if event.kind in MANAGER_EVENTS:
            accept_by = event.data.get("accept_by")
            return (
                datetime.fromisoformat(accept_by)
                if accept_by and event.data.get("to") == order.manager_id
                else None
            )
    return None


@dataclass
class NextThing:
    order: Order
    why: str


def next_for_manager(*, user, now: datetime) -> NextThing | None:
    """The most urgent thing for this manager (seed 001: the desk hands over the next client, no hunting): a call
    that is due, then their longest-overdue order, then their oldest new order nobody has worked on yet."""
    call = (
        Task.objects.filter(
            assignee=user, kind=Task.Kind.CALL, done_at__isnull=True, due_at__lte=now, order__isnull=False
        )
        .select_related("order")
        .order_by("due_at", "pk")
        .first()
    )
    if call is not None:
        return NextThing(call.order, f"Call due: {call.text}")
    mine = Order.objects.filter(manager=user, is_final=False)
    overdue = mine.filter(is_overdue=True).order_by("overdue_since", "pk").first()
    if overdue is not None:
        return NextThing(overdue, "Overdue: its status time limit has run out")
    worked_on = OrderEvent.objects.filter(
        order=OuterRef("pk"), kind__in=[OrderEvent.Kind.CALL, OrderEvent.Kind.NOTE, OrderEvent.Kind.TASK]
    )
    new_codes = Status.objects.filter(group=Status.Group.NEW).values("code")
    untouched = mine.filter(status__in=new_codes).exclude(Exists(worked_on)).order_by("created_at", "pk").first()
    if untouched is not None:
        return NextThing(untouched, "New order nobody has called yet")
    return None
