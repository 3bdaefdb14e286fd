"""Status clocks counted in a shop's working hours (`working_deadline`, `is_working_time`), on a shop built in
memory: night, days off, time zones, daylight saving. No database."""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

import pytest

from orders.clock import is_working_time, working_deadline
from orders.models import Shop
from tests.factories import ShopFactory, msk

pytestmark = pytest.mark.pure

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def day_shop(*, working_days: str = "1234567", zone: str = "Europe/Moscow", **hours) -> Shop:
    """A shop open 09:00–21:00 (unless `hours` say otherwise), unsaved."""
    hours = {"opens_at": time(9), "closes_at": time(21), **hours}
    return ShopFactory.build(always_open=False, working_days=working_days, timezone=zone, **hours)


def test_the_clock_stops_at_night_an_order_at_2300_is_due_at_0915():
    assert working_deadline(day_shop(), msk(2026, 11, 23, 23, 0), timedelta(minutes=15)) == msk(
        2026, 11, 24, 9, 15
    )


def test_the_clock_carries_the_rest_of_a_limit_into_the_next_morning():
    assert working_deadline(day_shop(), msk(2026, 11, 23, 20, 0), timedelta(hours=3)) == msk(2026, 11, 24, 11, 0)


def test_an_order_before_opening_starts_counting_at_opening():
    assert working_deadline(day_shop(), msk(2026, 11, 23, 6, 0), timedelta(minutes=5)) == msk(2026, 11, 23, 9, 5)


def test_the_clock_skips_days_off():
    friday_evening = msk(2026, 11, 27, 20, 50)
    deadline = working_deadline(day_shop(working_days="12345"), friday_evening, timedelta(minutes=30))
    assert deadline == msk(2026, 11, 30, 9, 20)  # Monday


def test_a_24_7_shop_counts_straight_through():
    shop = ShopFactory.build(always_open=True)
    assert working_deadline(shop, msk(2026, 11, 23, 23, 0), timedelta(minutes=15)) == msk(2026, 11, 23, 23, 15)


def test_shop_hours_are_counted_in_the_shops_own_time_zone():
    shop = day_shop(zone="Asia/Vladivostok")
    # 15:00 in Moscow is 22:00 in Vladivostok: closed, so the clock waits for 09:00 there (02:00 Moscow).
    assert working_deadline(shop, msk(2026, 11, 23, 15, 0), timedelta(minutes=10)) == msk(2026, 11, 24, 2, 10)


def test_a_limit_longer_than_a_working_day_spans_several_days_and_the_closed_days_between():
    # Mon–Fri, 12 h a day: 30 h from Thursday 09:00 is Thursday and Friday (24 h), then 6 h on Monday.
    shop = day_shop(working_days="12345")
    assert working_deadline(shop, msk(2026, 11, 26, 9, 0), timedelta(hours=30)) == msk(2026, 11, 30, 15, 0)


def test_a_deadline_at_closing_time_itself_stays_that_day():
    assert working_deadline(day_shop(), msk(2026, 11, 23, 20, 0), timedelta(hours=1)) == msk(2026, 11, 23, 21, 0)


def test_an_order_on_a_day_off_starts_counting_on_the_next_working_morning():
    sunday_noon = msk(2026, 11, 29, 12, 0)
    assert working_deadline(day_shop(working_days="12345"), sunday_noon, timedelta(minutes=5)) == msk(
        2026, 11, 30, 9, 5
    )


def test_a_shop_open_on_no_day_has_no_deadline_to_give():
    with pytest.raises(ValueError, match="no working hours"):
        working_deadline(day_shop(working_days=""), msk(2026, 11, 23, 12, 0), timedelta(minutes=5))


@pytest.mark.parametrize(
    ("start", "due_utc"),
    [
        # Spring forward (29 March 2026, Sunday, 02:00 → 03:00): Saturday's last 30 min, then 30 min on Sunday
        # morning, which is summer time: 09:30 CEST is 07:30 UTC.
        (datetime(2026, 3, 28, 20, 30, tzinfo=BERLIN), datetime(2026, 3, 29, 7, 30, tzinfo=UTC)),
        # Fall back (25 October 2026): 09:30 CET on Sunday is 08:30 UTC.
        (datetime(2026, 10, 24, 20, 30, tzinfo=BERLIN), datetime(2026, 10, 25, 8, 30, tzinfo=UTC)),
    ],
    ids=["spring forward", "fall back"],
)
def test_the_clock_reopens_at_the_shops_own_opening_hour_across_a_daylight_saving_change(start, due_utc):
    deadline = working_deadline(day_shop(zone="Europe/Berlin"), start, timedelta(hours=1))
    assert deadline == due_utc
    assert deadline.astimezone(BERLIN).time() == time(9, 30)


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (msk(2026, 11, 23, 8, 59), False),  # before opening
        (msk(2026, 11, 23, 9, 0), True),  # opening itself
        (msk(2026, 11, 23, 20, 59), True),
        (msk(2026, 11, 23, 21, 0), False),  # closing itself: closed
        (msk(2026, 11, 24, 2, 0), False),  # night
        (msk(2026, 11, 28, 12, 0), False),  # Saturday, a day off
        (msk(2026, 11, 29, 12, 0), False),  # Sunday, a day off
        (msk(2026, 11, 27, 12, 0), True),  # Friday noon
    ],
    ids=["08:59", "09:00", "20:59", "21:00", "night", "saturday", "sunday", "friday"],
)
def test_working_time_is_the_shops_hours_on_its_working_days(moment, working):
    assert is_working_time(day_shop(working_days="12345"), moment) is working


def test_working_time_is_read_on_the_shops_own_clock():
    # 15:00 Moscow is 22:00 in Vladivostok (closed) and 13:00 in Berlin (open).
    assert is_working_time(day_shop(zone="Asia/Vladivostok"), msk(2026, 11, 23, 15, 0)) is False
    assert is_working_time(day_shop(zone="Europe/Berlin"), msk(2026, 11, 23, 15, 0)) is True


def test_a_24_7_shop_is_always_working_time():
    assert is_working_time(ShopFactory.build(always_open=True), msk(2026, 11, 29, 3, 30)) is True
