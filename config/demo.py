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
from config.demo_calendar import demo_calendar_load
from config.demo_conversations import demo_conversations_load
from config.demo_feedback import demo_feedback_load
from config.demo_messaging import demo_messaging_load
from config.demo_phone import demo_phone_load
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

# The demo is a Russian desk: its data is Russian whatever language the interface shows (LANGUAGE_CODE, or each
# person's own; the demo's people leave theirs blank, so `LANGUAGE_CODE=en make demo` shows English pages).
SHOPS = [
    dict(code="garden", name="Зелёный сад", timezone="Europe/Moscow", opens_at=time(9), closes_at=time(21)),
    dict(code="gadgets", name="Гаджет Поинт", timezone="Asia/Yekaterinburg", always_open=True),
]

# The pipeline's statuses as RetailCRM names them (the migration seeds English names).
STATUS_NAMES = {
    "new": "Новый",
    "approval": "Согласование",
    "assembly": "Комплектация",
    "delivery": "Доставка",
    "pickup": "В пункте выдачи",
    "complete": "Выполнен",
    "cancelled": "Отменён",
}

# username, first name, last name, role, shops granted (empty = all)
STAFF = [
    ("supervisor", "Светлана", "Орлова", roles.SUPERVISOR, []),
    ("inspector", "Игорь", "Петров", roles.INSPECTOR, []),
    ("manager1", "Анна", "Смирнова", roles.MANAGER, ["garden"]),
    ("manager2", "Борис", "Иванов", roles.MANAGER, ["garden"]),
    ("manager3", "Вера", "Кузнецова", roles.MANAGER, ["garden", "gadgets"]),
    ("manager4", "Дмитрий", "Соколов", roles.MANAGER, ["gadgets"]),
    ("manager5", "Елена", "Попова", roles.MANAGER, ["gadgets"]),
]

# Where the demo's customers live, across the country's time zones: the order's region (the city, which the
# customer's time zone is read from) and a street address in it.
CITIES = {
    "Москва": ["ул. Тверская, д. 12, кв. 45", "ул. Арбат, д. 5, кв. 3", "Ленинский пр-т, д. 30, кв. 112"],
    "Санкт-Петербург": ["Невский пр-т, д. 100, кв. 5", "ул. Рубинштейна, д. 8, кв. 14"],
    "Калининград": ["Ленинский пр-т, д. 83, кв. 21", "ул. Горького, д. 55, кв. 9"],
    "Екатеринбург": ["ул. Малышева, д. 51, кв. 8", "ул. Вайнера, д. 10, кв. 33"],
    "Новосибирск": ["Красный пр-т, д. 25, кв. 17", "ул. Ленина, д. 12, кв. 40"],
    "Владивосток": ["ул. Светланская, д. 29, кв. 3", "Океанский пр-т, д. 17, кв. 56"],
}

# name, phone, email, city (a key of CITIES)
CUSTOMERS = [
    ("Мария Волкова", "+79161234501", "maria@example.com", "Москва"),
    ("Павел Лебедев", "+79161234502", "", "Екатеринбург"),
    ("Ольга Новикова", "+79161234503", "olga.n@example.com", "Новосибирск"),
    ("Сергей Морозов", "+74232123456", "", "Владивосток"),  # a Vladivostok landline
    ("Татьяна Егорова", "+79161234505", "tanya@example.com", "Калининград"),
    ("Алексей Фёдоров", "+79161234506", "", "Санкт-Петербург"),
]

ITEMS = [
    ("GR-101", "Садовый шланг, 25 м", Decimal("1890")),
    ("GR-204", "Секатор", Decimal("1250")),
    ("GD-310", "Беспроводные наушники", Decimal("4990")),
    ("GD-455", "Внешний аккумулятор 20 000 мА·ч", Decimal("2790")),
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
    greeting="Здравствуйте! Меня зовут {{ manager.name }}, магазин «{{ shop.name }}». "
    "(Пауза: дайте клиенту понять, кто звонит.)\nПодскажите, это {{ customer.name }}?",
    reason="{{ customer.name }}, недавно вы оформили заказ на нашем сайте. Всё верно?\n"
    "(Спрашивайте обязательно: с ответа начинается разговор.)",
    questions="Давайте вместе проверим детали: товары и количество, когда и куда удобно доставить, "
    "кто будет получать и как вам удобнее оплатить.",
    terms="{{ customer.name }}, подведём итог: товары как в списке, доставка в согласованный день, "
    "оплата при получении. Всё верно?\nТогда я подтверждаю заказ, если у вас нет возражений.",
    objections="«Дорого» → «Правильно ли я понимаю: вы бы купили, но хотите убедиться, что товар стоит своих "
    "денег?» Затем: гарантия, возврат, что входит в комплект.\n"
    "«Нет в наличии» → «То есть вы купили бы у нас, если мы привезём товар специально для вас?»\n"
    "«Я подумаю» → «Конечно. Что осталось решить? Когда вам удобно, чтобы я перезвонил(а)?»",
)


# Carrier reports the demo shops act on (admin → Delivery state → status rules).
DELIVERY_RULES = {"at_pickup_point": "pickup", "delivered": "complete"}


def demo_api_key(shop_code: str) -> str:
    return f"demo-{shop_code}-key"


@transaction.atomic
def demo_load() -> list[str]:
    """Load the demo; returns lines to print (logins and API keys)."""
    User = get_user_model()
    for code, name in STATUS_NAMES.items():
        Status.objects.filter(code=code).update(name=name)
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
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Администратор"}
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

    demo_calendar_load(shops=list(shops.values()))
    demo_phone_load(shops=shops, staff=staff)
    demo_messaging_load(night_shop=shops["garden"])
    for shop_index, shop in enumerate(shops.values()):
        for n, customer in enumerate(CUSTOMERS):
            _demo_order(shop, shop_index, n, *customer)

    demo_feedback_load(shops=shops)
    demo_conversations_load(shops=shops, closer=staff["supervisor"])
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


def demo_address(city: str, n: int) -> str:
    """The n-th street address of a demo city, written as Russian shops write it."""
    streets = CITIES[city]
    return f"г. {city}, {streets[n % len(streets)]}"


def _demo_order(shop: Shop, shop_index: int, n: int, name: str, phone: str, email: str, city: str) -> None:
    sku, item_name, price = ITEMS[(n + shop_index * 2) % len(ITEMS)]
    order, created = order_create(
        shop=shop,
        external_id=f"demo-{n + 1}",
        customer={"name": name, "phone": phone, "email": email, "legal_type": "person", "is_vip": n == 2},
        items=[{"sku": sku, "name": item_name, "qty": 1 + n % 3, "price": price}],
        method=[Order.Method.CART, Order.Method.PHONE, Order.Method.ONE_CLICK][n % 3],
        region=city,
        delivery_address=demo_address(city, shop_index),
        comment="Позвоните, пожалуйста, перед доставкой." if n % 2 else "",
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
            order_add_note(order=order, by=manager, text="Клиент попросил перезвонить через несколько минут.")
            task_create(
                customer=order.customer,
                order=order,
                assignee=manager,
                by=manager,
                text="Перезвонить: подтвердить заказ",
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
                text="Проверить, что курьер забрал посылку",
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
