import json
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from assignment.kpi_sources import figure_rows
from assignment.models import AssignmentDecision, ManagerProfile, RoutingSettings
from orders.history import ChangeOfHands
from orders.models import HAND_KINDS, TAKE_UP_KINDS, Order, OrderEvent, Task
from orders.roles import MANAGER
from orders.selectors import managers_covering_user_shops, order_scope, shop_scope

# Timeouts are counted over this window; this many or more marks a manager as letting orders slip.
TIMEOUT_WINDOW = timedelta(days=7)
REPEATED_TIMEOUTS = 2


def team_profiles():
    """Profiles of active members of the Manager group: the people routing and the team view consider."""
    return ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER).select_related("user")


# The granted shops of a grant as one "1,4,7" text (the aggregate is spelt differently per database).
_SHOP_LIST = {"postgresql": "string_agg(s.shop_id::text, ',')", "sqlite": "group_concat(s.shop_id)"}

# routing_team()'s statements, written by hand: routing reads the team for every new order, and the same reading
# through the ORM (three querysets) cost 1.9 ms of CPU per order against 0.4 ms for this and the open orders'.
_ROUTING_TEAM = """
    SELECT p.id, p.user_id, u.username, u.first_name, u.last_name, p.presence,
           CASE WHEN p.last_assigned_at > p.presence_since THEN p.last_assigned_at ELSE p.presence_since END,
           p.quota_override, p.experience, g.id, g.all_shops, g.all_order_types, g.all_methods, g.all_regions,
           g.order_types, g.methods, g.regions,
           (SELECT {shop_list} FROM orders_accessgrant_shops s WHERE s.accessgrant_id = g.id)
    FROM assignment_managerprofile p
    JOIN auth_user u ON u.id = p.user_id
    LEFT JOIN orders_accessgrant g ON g.user_id = p.user_id
    WHERE u.is_active AND EXISTS (
        SELECT 1 FROM auth_user_groups ug JOIN auth_group r ON r.id = ug.group_id
        WHERE ug.user_id = p.user_id AND r.name = %s
    )
    ORDER BY p.id
"""
ROUTING_TEAM_FIELDS = (
    "pk", "user_id", "username", "first_name", "last_name", "presence", "idle_since", "quota_override",
    "experience", "grant_id", "all_shops", "all_order_types", "all_methods", "all_regions", "order_types",
    "methods", "regions", "shop_ids",
)  # fmt: skip


def routing_team() -> list[dict]:
    """The managers routing considers (as `team_profiles()`), each a plain dict of ROUTING_TEAM_FIELDS and
    `open_orders`: presence, idle since (their presence began or their last assignment, whichever is later),
    quota, experience, their grant (`grant_id` None: no grant, everything) as `grant_refusal` reads it: shops as a
    set, each of shops, order types, methods and regions None when the grant has "all". Two statements, plain
    values: a team of a thousand builds no model objects."""
    with connection.cursor() as cursor:
        cursor.execute(_ROUTING_TEAM.format(shop_list=_SHOP_LIST[connection.vendor]), [MANAGER])
        rows = [dict(zip(ROUTING_TEAM_FIELDS, row, strict=True)) for row in cursor.fetchall()]
    open_orders = open_orders_by_manager([row["user_id"] for row in rows])
    for row in rows:
        row["open_orders"] = open_orders.get(row["user_id"], 0)
        row["idle_since"] = _aware(row["idle_since"])
        row["shop_ids"] = {int(shop_id) for shop_id in row["shop_ids"].split(",")} if row["shop_ids"] else set()
        if row["grant_id"] is not None:  # no grant, nothing to decode
            for field in ("order_types", "methods", "regions"):
                row[field] = _json(row[field])
            for field, flag in _ALL.items():
                if row.pop(flag):  # SQLite answers 0 or 1
                    row[field] = None
    return rows


# A grant's "all" flags and the values each stands for.
_ALL = {
    "shop_ids": "all_shops",
    "order_types": "all_order_types",
    "methods": "all_methods",
    "regions": "all_regions",
}


def _aware(value: datetime | str | None) -> datetime | None:
    """PostgreSQL hands a raw cursor aware datetimes; SQLite naive UTC ones, as text where a column is computed."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _json(value):
    """JSON columns come back as text from a raw cursor (Django decodes them in the field, not the driver)."""
    return json.loads(value) if isinstance(value, str) else value


def open_orders_by_manager(user_ids: list[int]) -> dict[int, int]:
    """Each manager's open orders, counted from the (manager, is_final) index: the cost follows what they hold
    now, not every order they ever had. Written by hand because routing counts for every new order (0.15 ms
    of CPU against 0.6 ms through the ORM). Not a count per manager inside the team's statement: PostgreSQL
    caches the plan of a prepared statement, and that count, planned while the team and the orders were small,
    took 39 ms at 1,000 managers in the bench, against 7 ms planned afresh."""
    if not user_ids:
        return {}
    if connection.vendor == "postgresql":  # one array parameter: one statement to parse and prepare, any team size
        managers, params = "= ANY(%s)", [user_ids]
    else:
        managers, params = f"IN ({', '.join(['%s'] * len(user_ids))})", user_ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT manager_id, count(*) FROM orders_order WHERE manager_id {managers} AND NOT is_final"
            " GROUP BY manager_id",
            params,
        )
        return dict(cursor.fetchall())


def team_load(*, user, now=None) -> list[ManagerProfile]:
    """The managers of the shops this supervisor sees, with presence, open orders against quota, open and
    overdue tasks and recent acceptance timeouts, in four queries (plus the settings row)."""
    now = now or timezone.now()
    default_quota = RoutingSettings.load().default_quota
    profiles = list(
        team_profiles()
        .filter(user__in=managers_covering_user_shops(user))
        .order_by("presence", "user__first_name", "user__username")
    )
    user_ids = [profile.user_id for profile in profiles]
    open_orders = open_orders_by_manager(user_ids)
    timeouts = dict(
        AssignmentDecision.objects.filter(manager_id__in=user_ids, timed_out_at__gte=now - TIMEOUT_WINDOW)
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    tasks = {
        row["assignee_id"]: row
        for row in Task.objects.filter(assignee_id__in=user_ids, done_at__isnull=True)
        .values("assignee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    }
    for profile in profiles:
        profile.open_orders = open_orders.get(profile.user_id, 0)
        profile.open_tasks = tasks.get(profile.user_id, {}).get("open", 0)
        profile.overdue_tasks = tasks.get(profile.user_id, {}).get("overdue", 0)
        profile.timeouts = timeouts.get(profile.user_id, 0)
        profile.lets_orders_slip = profile.timeouts >= REPEATED_TIMEOUTS
        profile.quota = profile.quota_or(default_quota)
        profile.load_percent = min(100, round(100 * profile.open_orders / profile.quota)) if profile.quota else 100
    return profiles


def assignment_latest(*, history: list[OrderEvent]) -> OrderEvent | None:
    """The latest change of hands in a history read newest first: routing's (its data names the decision that
    explains it), or who reassigned the order and why."""
    return next((event for event in history if event.kind in HAND_KINDS), None)


def assignment_take_up_by(*, order: Order, history: list[OrderEvent]) -> datetime | None:
    """By when the manager must take up (work on) an order routing gave them, while they still must; read from
    the history, newest first: routing's assignment event carries the deadline (`order_route` writes it)."""
    for event in history:
        if event.kind in TAKE_UP_KINDS and event.actor_id is not None and event.actor_id == order.manager_id:
            return None
        if event.kind in HAND_KINDS:
            hand = ChangeOfHands.of(event)
            return hand.routed.accept_by if hand.routed and hand.manager_to_id == order.manager_id else None
    return None


def assignment_decision_of(*, event: OrderEvent | None) -> AssignmentDecision | None:
    """The routing decision a change of hands names (none for a supervisor's reassign)."""
    routed = ChangeOfHands.of(event).routed if event is not None else None
    return AssignmentDecision.objects.filter(pk=routed.decision_id).first() if routed else None


def kpi_rows(*, user, figure: str, people: list[int], start: datetime, end: datetime):
    """What a KPI number counted that the viewer may see, one (order id, person) per counted row, newest order
    first: an order counts once for each time it counted (two calls: two lines). A task about a customer rather
    than an order has no order id."""
    rows = figure_rows(figure, start, end, people)
    seen = Q(order__in=order_scope(user))
    if rows.model is Task:
        seen |= Q(order__isnull=True, customer__shop__in=shop_scope(user))
    return (
        rows.filter(seen)
        .order_by("-order__created_at", "-order_id", "person", "pk")
        .values_list("order_id", "person")
    )


def kpi_orders_of(*, rows: list[tuple[int | None, int]], people: dict) -> list[tuple[Order | None, object]]:
    """A page of KPI rows as (order, the person it counted for), in the rows' order (an order twice when it
    counted twice); `people`: the people shown, by id."""
    orders = Order.objects.select_related("shop", "customer", "manager").in_bulk(
        {order_id for order_id, _ in rows if order_id is not None}
    )
    return [(orders.get(order_id), people.get(person)) for order_id, person in rows]
