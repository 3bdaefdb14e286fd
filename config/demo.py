"""Demo data: shops, staff of every role and orders flowing, so each screen has something to show.
Idempotent: running it again changes nothing that is already there."""

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from assignment.services import presence_set
from config.demo_feedback import demo_feedback_load
from config.demo_messaging import demo_messaging_load
from core import roles
from kpi.rollup import kpi_rollup_day
from orders.models import (
    AccessGrant,
    CallOutcome,
    CallScript,
    DeliveryStatusRule,
    Order,
    OrderEvent,
    Shop,
    Status,
    Task,
)
from orders.services import (
    order_add_note,
    order_change_status,
    order_create,
    order_record_call,
    shop_issue_api_key,
    status_deadline,
    task_create,
)

PASSWORD = "demo"
DEMO_EXPERIENCE = {"manager1": 5, "manager2": 2, "manager3": 8, "manager4": 3, "manager5": 1}

SHOPS = [
    dict(code="garden", name="Green Garden", timezone="Europe/Moscow", opens_at=time(9), closes_at=time(21)),
    dict(code="gadgets", name="Gadget Point", timezone="Asia/Yekaterinburg", always_open=True),
]

# username, first name, last name, role, shops granted (empty = all)
STAFF = [
    ("supervisor", "Svetlana", "Orlova", roles.SUPERVISOR, []),
    ("inspector", "Igor", "Petrov", roles.INSPECTOR, []),
    ("manager1", "Anna", "Smirnova", roles.MANAGER, ["garden"]),
    ("manager2", "Boris", "Ivanov", roles.MANAGER, ["garden"]),
    ("manager3", "Vera", "Kuznetsova", roles.MANAGER, ["garden", "gadgets"]),
    ("manager4", "Dmitry", "Sokolov", roles.MANAGER, ["gadgets"]),
    ("manager5", "Elena", "Popova", roles.MANAGER, ["gadgets"]),
]

CUSTOMERS = [
    ("Maria Volkova", "+79161234501", "maria@example.com"),
    ("Pavel Lebedev", "+79161234502", ""),
    ("Olga Novikova", "+79161234503", "olga.n@example.com"),
    ("Sergey Morozov", "+74232123456", ""),  # Vladivostok
    ("Tatiana Egorova", "+79161234505", "tanya@example.com"),
    ("Alexey Fedorov", "+79161234506", ""),
]

ITEMS = [
    ("GR-101", "Garden hose 25 m", Decimal("1890")),
    ("GR-204", "Pruning shears", Decimal("1250")),
    ("GD-310", "Wireless earbuds", Decimal("4990")),
    ("GD-455", "Power bank 20000 mAh", Decimal("2790")),
]

# The mix a desk has at any moment, placed relative to now: (statuses passed, minutes since it arrived, minutes in
# its status). The first order has just arrived and nobody has touched it (after the acceptance timeout routing
# moves it on); the last one has outstayed its Approval hour, so the sweep flags it overdue.
PLAN = [
    ([], 0, 0),
    ([], 3, 3),
    (["approval"], 40, 20),
    (["approval", "assembly"], 180, 60),
    (["approval", "assembly", "delivery"], 60 * 26, 60 * 20),
    (["approval"], 150, 130),
]


# Seed 001's script, in the shop's words.
CALL_SCRIPT = dict(
    greeting="Hello, this is {{ manager.name }} from {{ shop.name }}. "
    "(Pause: let the customer place who is calling.)\nMay I speak to {{ customer.name }}?",
    reason="{{ customer.name }}, you placed an order on our website a little while ago. Is that right?\n"
    "(Always ask: the answer starts the conversation.)",
    questions="Let's check the details together: the items and quantities, when and where delivery suits you, "
    "who will receive it, and how you would like to pay.",
    terms="{{ customer.name }}, to sum up: the items as listed, delivery on the day we agreed, "
    "payment on receipt. Is everything right?\nThen I am confirming the order, if you have no objections.",
    objections='"It\'s expensive" → "Do I understand you right: you would buy it, but want to be sure it is '
    'worth the money?" Then: warranty, returns, what is included.\n'
    '"It\'s not in stock" → "So you would buy from us if we brought it in specially for you?"\n'
    '"I\'ll think about it" → "Of course. What is left to decide? When may I call you back?"',
)


# Carrier reports the demo shops act on (admin → Delivery state → status rules).
DELIVERY_RULES = {"at_pickup_point": "pickup", "delivered": "complete"}


def demo_api_key(shop_code: str) -> str:
    return f"demo-{shop_code}-key"


@transaction.atomic
def demo_load() -> list[str]:
    """Load the demo; returns lines to print (logins and API keys)."""
    User = get_user_model()
    shops = {}
    for spec in SHOPS:
        shop, _ = Shop.objects.get_or_create(code=spec["code"], defaults=spec)
        shop_issue_api_key(shop=shop, key=demo_api_key(shop.code))
        CallScript.objects.get_or_create(shop=shop, defaults=CALL_SCRIPT)
        for state, target in DELIVERY_RULES.items():  # seed 004: "at the pick-up point" starts its reminders
            DeliveryStatusRule.objects.get_or_create(
                shop=shop, state=state, defaults={"target": Status.objects.get(code=target)}
            )
        shops[shop.code] = shop

    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"}
    )
    if created:
        admin.set_password(PASSWORD)
        admin.save()
    staff = {}
    for username, first, last, role, shop_codes in STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        grant, _ = AccessGrant.objects.update_or_create(
            user=user,
            defaults={
                "all_shops": not shop_codes,
                "all_order_types": True,
                "all_methods": True,
                "all_regions": True,
            },
        )
        grant.shops.set([shops[code] for code in shop_codes])
        staff[username] = user
        if role == roles.MANAGER:
            ManagerProfile.objects.get_or_create(user=user, defaults={"experience": DEMO_EXPERIENCE[username]})
            presence_set(user=user, presence=Presence.LUNCH if username == "manager5" else Presence.FREE)

    demo_messaging_load(night_shop=shops["garden"])
    for shop_index, shop in enumerate(shops.values()):
        for n, (name, phone, email) in enumerate(CUSTOMERS):
            _demo_order(shop, shop_index, n, name, phone, email)

    demo_feedback_load(shops=shops)
    _roll_up_past_days()
    lines = [f"Log in at /login/ with password '{PASSWORD}' as: admin, " + ", ".join(s[0] for s in STAFF)]
    lines += [f"Intake API key for shop '{code}': {demo_api_key(code)}" for code in shops]
    return lines


def _roll_up_past_days() -> None:
    """The demo places orders up to a day back: roll those days up as the nightly run would have, so the KPI
    page's numbers for them agree with the lists behind them from the start."""
    first = OrderEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
    today = timezone.localdate()
    day = max(timezone.localdate(first or timezone.now()), today - timedelta(days=7))  # a demo run for weeks
    while day < today:
        kpi_rollup_day(day=day)
        day += timedelta(days=1)


def _demo_order(shop: Shop, shop_index: int, n: int, name: str, phone: str, email: str) -> None:
    sku, item_name, price = ITEMS[(n + shop_index * 2) % len(ITEMS)]
    order, created = order_create(
        shop=shop,
        external_id=f"demo-{n + 1}",
        customer={"name": name, "phone": phone, "email": email, "legal_type": "person", "is_vip": n == 2},
        items=[{"sku": sku, "name": item_name, "qty": 1 + n % 3, "price": price}],
        method=[Order.Method.CART, Order.Method.PHONE, Order.Method.ONE_CLICK][n % 3],
        region="Moscow" if n % 2 else "Saint Petersburg",
        comment="Please call before delivery." if n % 2 else "",
    )
    if not created:
        return
    order.refresh_from_db()  # routing gave it to a free manager on arrival
    manager = order.manager
    path, arrived_ago, in_status = PLAN[n]
    if manager is not None:
        for target in path:
            order_change_status(order=order, target=target, by=manager)
        if n == 1:
            order_add_note(order=order, by=manager, text="Asked us to call back in a few minutes.")
            task_create(
                customer=order.customer,
                order=order,
                assignee=manager,
                by=manager,
                text="Call back: confirm the order",
                due_at=timezone.now() - timedelta(minutes=1),  # due now, so Next has a call to hand out
            )
        if n == 2:
            order_record_call(order=order, by=manager, outcome=CallOutcome.NO_ANSWER)
        if n == 3:
            task_create(
                customer=order.customer,
                order=order,
                assignee=manager,
                by=manager,
                kind=Task.Kind.CUSTOM,
                text="Check the courier has the parcel",
                due_at=timezone.now() + timedelta(hours=2),
            )
    _place_in_time(order, arrived_ago=timedelta(minutes=arrived_ago), in_status=timedelta(minutes=in_status))


def _place_in_time(order: Order, *, arrived_ago: timedelta, in_status: timedelta) -> None:
    """Move a fresh demo order back in time, as if it had arrived and entered its status that long ago."""
    now = timezone.now()
    status = Status.objects.get(code=order.status)
    entered = now - in_status
    Order.objects.filter(pk=order.pk).update(
        created_at=now - arrived_ago,
        status_entered_at=entered,
        deadline=status_deadline(status, order.shop, entered),
    )
    if arrived_ago:
        # The history reads as lived, in the same order: the status changes spread from the arrival to the moment
        # the order entered its status, each other line with the step before it (so the time in each status the
        # KPI page shows is not 0 s).
        arrived = now - arrived_ago
        lines = list(order.events.order_by("pk").values_list("pk", "kind"))
        steps = sum(kind == OrderEvent.Kind.STATUS for _, kind in lines)
        moment, step = arrived, 0
        for pk, kind in lines:
            if kind == OrderEvent.Kind.STATUS:
                step += 1
                moment = arrived + (entered - arrived) * step / steps
            OrderEvent.objects.filter(pk=pk).update(created_at=moment)
