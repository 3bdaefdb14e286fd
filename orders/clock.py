"""Status clocks counted in a shop's working hours."""

import logging
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import phonenumbers
from phonenumbers import timezone as phonenumbers_timezone

from core.formats import moment_label
from orders.models import Customer, Shop, ShopDay

logger = logging.getLogger(__name__)

# How many days a shop's calendar may close beyond its weekly days off before a count stops reading it.
CALENDAR_SLACK_DAYS = 366

DayOf = Callable[[date], ShopDay | None]


def _no_calendar(day: date) -> ShopDay | None:
    return None


class _CalendarReader:
    """A shop's calendar days, read `span` days at a time as a count walks forward (one query per span, not one
    per day). An unsaved shop has no calendar."""

    def __init__(self, shop: Shop, span: int) -> None:
        self.shop, self.span = shop, span
        self.days: dict[date, ShopDay] = {}
        self.read_until: date | None = None

    def __call__(self, day: date) -> ShopDay | None:
        if self.shop.pk is None:
            return None
        if self.read_until is None or day > self.read_until:
            last = day + timedelta(days=self.span - 1)
            self.days.update((d.date, d) for d in ShopDay.objects.filter(shop=self.shop, date__range=(day, last)))
            self.read_until = last
        return self.days.get(day)


def day_hours(shop: Shop, day: date, calendar_day: ShopDay | None) -> tuple[time, time] | None:
    """The shop's opening and closing time on `day`: its calendar's if the day is in it, else its weekly hours;
    None when it is closed all day."""
    if calendar_day is not None:
        return calendar_day.hours(shop)
    if str(day.isoweekday()) in shop.working_days:
        return shop.opens_at, shop.closes_at
    return None


def _count(shop: Shop, start: datetime, limit: timedelta, day_of: DayOf, days: int) -> datetime | None:
    """`start` plus `limit` of the shop's open time, looking `days` days ahead at most (None: not found)."""
    zone = shop.zone
    cursor = start.astimezone(zone)
    remaining = limit
    day = cursor.date()
    for _ in range(days):
        hours = day_hours(shop, day, day_of(day))
        if hours is not None:
            opens = datetime.combine(day, hours[0], tzinfo=zone)
            closes = datetime.combine(day, hours[1], tzinfo=zone)
            if cursor < closes:
                cursor = max(cursor, opens)
                if cursor + remaining <= closes:
                    return cursor + remaining
                remaining -= closes - cursor
        day += timedelta(days=1)
    return None


def working_deadline(shop: Shop, start: datetime, limit: timedelta) -> datetime:
    """When `limit` of the shop's working time has passed since `start`.

    An order entering New at 23:00 with a 15-minute limit in a shop open 09:00–21:00 is due at 09:15 on the
    next working day: the clock only runs while the shop is open, and not on its calendar's days off. A calendar
    that leaves no working time within a year gives way: the count falls back to the weekly hours (an order is
    never refused for what the admin entered).
    """
    if shop.always_open:
        return start + limit
    # The shop opens at least one day a week, so each week of days spends at least one full window.
    window = datetime.combine(start.date(), shop.closes_at) - datetime.combine(start.date(), shop.opens_at)
    weekly_days = int(limit / window + 1) * 7 + 14
    calendar = _CalendarReader(shop, span=weekly_days)
    deadline = _count(shop, start, limit, calendar, weekly_days + CALENDAR_SLACK_DAYS)
    if deadline is None:
        logger.warning("Shop %s: its calendar leaves no working time; counted in its weekly hours.", shop.code)
        deadline = _count(shop, start, limit, _no_calendar, weekly_days)
    if deadline is None:
        raise ValueError(f"Shop {shop.code} has no working hours to count a deadline in.")
    return deadline


def is_working_time(shop: Shop, moment: datetime) -> bool:
    if shop.always_open:
        return True
    local = moment.astimezone(shop.zone)
    hours = day_hours(shop, local.date(), _CalendarReader(shop, span=1)(local.date()))
    return hours is not None and hours[0] <= local.time() < hours[1]


def next_working_day(shop: Shop, after: date) -> date:
    """The first day after `after` the shop opens (its weekly days and its calendar); a 24/7 shop's, or one whose
    calendar closes it for a year, is the next day."""
    if shop.always_open:
        return after + timedelta(days=1)
    calendar = _CalendarReader(shop, span=31)
    for n in range(1, CALENDAR_SLACK_DAYS + 1):
        day = after + timedelta(days=n)
        if day_hours(shop, day, calendar(day)) is not None:
            return day
    return after + timedelta(days=1)


def zone_for_phone(phone: str) -> str:
    """The phone's time zone when its number says it unambiguously (+7 423… is Vladivostok; a Russian
    mobile number could be anywhere from Kaliningrad to Kamchatka, so it says nothing)."""
    try:
        zones = phonenumbers_timezone.time_zones_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return ""
    return zones[0] if len(zones) == 1 and zones[0] in zoneinfo.available_timezones() else ""


def desk_time(moment: datetime) -> str:
    """A moment as people on the desk read it in messages and history, in desk time and the reader's language:
    "24 Nov, 12:12" / "24 нояб., 12:12" (templates use the `moment` filter; core.formats writes it)."""
    return moment_label(moment)


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


# How many openings `callback_moment` tries before it settles for the shop's next opening.
CALLBACK_SEARCH_DAYS = 14


def callback_moment(moment: datetime, customer: Customer) -> datetime:
    """The first moment from `moment` that is neither the customer's night (on their clock) nor outside the
    shop's working hours: when a missed call is called back. When the two never meet (the shop works only in
    the customer's night), the shop's next opening."""
    shop, candidate = customer.shop, moment
    for _ in range(CALLBACK_SEARCH_DAYS):
        candidate = outside_night(candidate, customer)
        if is_working_time(shop, candidate):
            return candidate
        candidate = working_deadline(shop, candidate, timedelta(0))  # the next opening
        if not is_night(candidate.astimezone(customer.zone), shop):
            return candidate
    return working_deadline(shop, moment, timedelta(0))
