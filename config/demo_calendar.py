"""The demo shops' calendars: Russia's production calendar as shipped, plus a holiday this month so the status
clocks, the off-hours reply and "tomorrow 10:00" have one to step over (idempotent)."""

from datetime import date, timedelta

from django.utils import timezone

from orders.models import Shop, ShopDay
from orders.services import PRODUCTION_CALENDAR_RU, production_calendar_parse, shop_days_import


def demo_holiday(today: date) -> date:
    """Tomorrow, or today on the month's last day: a day off this month, close enough to see."""
    tomorrow = today + timedelta(days=1)
    return tomorrow if tomorrow.month == today.month else today


def demo_calendar_load(*, shops: list[Shop]) -> None:
    shop_days_import(
        shops=shops, lines=production_calendar_parse(PRODUCTION_CALENDAR_RU.read_text(encoding="utf-8"))
    )
    holiday = demo_holiday(timezone.localdate())
    for shop in shops:
        ShopDay.objects.get_or_create(
            shop=shop, date=holiday, defaults={"kind": ShopDay.Kind.DAY_OFF, "note": "Демо: санитарный день"}
        )
