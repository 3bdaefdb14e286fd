"""Status clocks counted in a shop's working hours."""

import zoneinfo
from datetime import datetime, timedelta

import phonenumbers
from django.utils import timezone
from phonenumbers import timezone as phonenumbers_timezone

from orders.models import Customer, Shop


def working_deadline(shop: Shop, start: datetime, limit: timedelta) -> datetime:
    """When `limit` of the shop's working time has passed since `start`.

    An order entering New at 23:00 with a 15-minute limit in a shop open 09:00–21:00 is due at 09:15 on the
    next working day: the clock only runs while the shop is open.
    """
    if shop.always_open:
        return start + limit
    zone = shop.zone
    working_days = {int(day) for day in shop.working_days}
    cursor = start.astimezone(zone)
    remaining = limit
    # The shop opens at least one day a week, so each week of days spends at least one full window.
    window = datetime.combine(start.date(), shop.closes_at) - datetime.combine(start.date(), shop.opens_at)
    for _ in range(int(limit / window + 1) * 7 + 14):
        day = cursor.date()
        opens = datetime.combine(day, shop.opens_at, tzinfo=zone)
        closes = datetime.combine(day, shop.closes_at, tzinfo=zone)
        if day.isoweekday() in working_days and cursor < closes:
            cursor = max(cursor, opens)
            if cursor + remaining <= closes:
                return cursor + remaining
            remaining -= closes - cursor
        cursor = datetime.combine(day + timedelta(days=1), shop.opens_at, tzinfo=zone)
    raise ValueError(f"Shop {shop.code} has no working hours to count a deadline in.")


def is_working_time(shop: Shop, moment: datetime) -> bool:
    if shop.always_open:
        return True
    local = moment.astimezone(shop.zone)
    return str(local.isoweekday()) in shop.working_days and shop.opens_at <= local.time() < shop.closes_at


def zone_for_phone(phone: str) -> str:
    """The phone's time zone when its number says it unambiguously (+7 423… is Vladivostok; a Russian
    mobile number could be anywhere from Kaliningrad to Kamchatka, so it says nothing)."""
    try:
        zones = phonenumbers_timezone.time_zones_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return ""
    return zones[0] if len(zones) == 1 and zones[0] in zoneinfo.available_timezones() else ""


# One way to write a moment everywhere on the desk: "24 Nov, 12:12" (templates use the `moment` filter).
MOMENT_FORMAT = "j M, H:i"


def desk_time(moment: datetime) -> str:
    """A moment as people on the desk read it in messages and history: "24 Nov, 12:12", desk time."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b, %H:%M}"


def is_night(local: datetime, shop: Shop) -> bool:
    """Whether a moment, on the customer's clock, falls in the shop's quiet hours (21:00–09:00 by default): no
    calls, no messages to the customer then."""
    return shop.is_quiet_at(local.time())


def outside_night(moment: datetime, customer: Customer) -> datetime:
    """`moment`, or the end of the shop's quiet hours on the customer's clock when `moment` falls in them."""
    zone, shop = customer.zone, customer.shop
    local = moment.astimezone(zone)
    if not is_night(local, shop):
        return moment
    ends_tomorrow = shop.quiet_from > shop.quiet_to and local.time() >= shop.quiet_from
    morning = local.date() + timedelta(days=1) if ends_tomorrow else local.date()
    return datetime.combine(morning, shop.quiet_to, tzinfo=zone)
