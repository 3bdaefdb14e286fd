"""A shop's calendar (days off, shortened days, working Saturdays) in everything that counts working time: status
clocks, "opens at" in the off-hours reply, the "tomorrow 10:00" shortcut; the production calendar's import; and
the admin, which refuses nonsense and cannot enter a calendar that breaks an order."""

from datetime import date, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from config.demo_calendar import demo_calendar_load, demo_holiday
from notifications.models import MessageTemplate, OffHoursReply, OutboundMessage
from notifications.rendering import opening_label
from orders.clock import is_working_time, next_working_day, working_deadline
from orders.models import Order, Shop, ShopDay, Status
from tests.factories import ShopFactory, make_order, manager, msk

pytestmark = pytest.mark.django_db

DAY_OFF, SHORTENED, WORKING = ShopDay.Kind.DAY_OFF, ShopDay.Kind.SHORTENED, ShopDay.Kind.WORKING


def weekday_shop(**fields) -> Shop:
    """A Moscow shop open 09:00–18:00, Monday to Friday."""
    return ShopFactory(opens_at=time(9), closes_at=time(18), working_days="12345", **fields)


def days(shop: Shop, *dates: date, kind: str = DAY_OFF, **hours) -> None:
    for day in dates:
        ShopDay.objects.create(shop=shop, date=day, kind=kind, **hours)


# Status clocks


def test_a_status_clock_stops_over_a_holiday_and_runs_on_the_next_working_day():
    shop = weekday_shop()
    days(shop, date(2026, 11, 4))  # Wednesday, National Unity Day
    # 2 hours from Tuesday 17:00: one hour on Tuesday, the holiday skipped, the second hour on Thursday.
    assert working_deadline(shop, msk(2026, 11, 3, 17, 0), timedelta(hours=2)) == msk(2026, 11, 5, 10, 0)


def test_a_status_clock_runs_out_an_hour_earlier_on_a_shortened_day():
    shop = weekday_shop()
    days(shop, date(2026, 11, 3), kind=SHORTENED)  # closes at 17:00, not 18:00
    days(shop, date(2026, 11, 4))
    assert working_deadline(shop, msk(2026, 11, 3, 16, 30), timedelta(hours=1)) == msk(2026, 11, 5, 9, 30)
    assert is_working_time(shop, msk(2026, 11, 3, 16, 59)) and not is_working_time(shop, msk(2026, 11, 3, 17, 0))


def test_a_shortened_day_with_its_own_hours_counts_those():
    shop = weekday_shop()
    days(shop, date(2026, 12, 30), kind=SHORTENED, opens_at=time(10), closes_at=time(14))
    assert working_deadline(shop, msk(2026, 12, 30, 8, 0), timedelta(hours=5)) == msk(2026, 12, 31, 10, 0)


def test_a_saturday_made_a_working_day_runs_the_clock():
    shop = weekday_shop()
    days(shop, date(2026, 11, 28), kind=WORKING)  # Saturday
    assert working_deadline(shop, msk(2026, 11, 27, 17, 30), timedelta(hours=1)) == msk(2026, 11, 28, 9, 30)
    assert is_working_time(shop, msk(2026, 11, 28, 12, 0))


def test_an_order_taken_in_on_a_holiday_is_due_after_it_in_one_query_for_the_calendar():
    shop = weekday_shop()
    days(shop, *(date(2026, 1, d) for d in range(1, 10)))
    new_years_day = msk(2026, 1, 1, 12, 0)
    with CaptureQueriesContext(connection) as ctx:
        due = working_deadline(shop, new_years_day, timedelta(minutes=15))
    assert due == msk(2026, 1, 12, 9, 15)  # Monday after the holidays and their weekend
    assert len(ctx) == 1


def test_a_calendar_that_closes_every_day_does_not_hang_the_clock_or_refuse_an_order():
    shop = weekday_shop()
    ShopDay.objects.bulk_create(
        ShopDay(shop=shop, date=date(2026, 11, 23) + timedelta(days=n)) for n in range(800)
    )
    monday = msk(2026, 11, 23, 12, 0)
    # Counted in the weekly hours instead: the admin's calendar never leaves an order without a deadline.
    assert working_deadline(shop, monday, timedelta(minutes=15)) == msk(2026, 11, 23, 12, 15)
    with time_machine.travel(monday, tick=False):
        order = make_order(shop)
    assert Order.objects.get(pk=order.pk).deadline == monday + Status.objects.get(code="new").time_limit
    assert next_working_day(shop, date(2026, 11, 23)) == date(2026, 11, 24)


# "Opens at" in the off-hours reply


def test_the_off_hours_reply_after_new_years_eve_names_the_day_after_the_long_holiday():
    shop = weekday_shop(name="Teapots")
    days(shop, date(2026, 12, 31), *(date(2027, 1, d) for d in range(1, 9)))
    reply = MessageTemplate.objects.create(
        name="Closed", channel="sms", body="{{ shop.name }} opens {{ opens_at }}."
    )
    OffHoursReply.objects.create(shop=shop, template=reply)
    with time_machine.travel(msk(2026, 12, 30, 20, 0), tick=False):
        order = make_order(shop)
    [message] = OutboundMessage.objects.filter(order=order)
    # Not "Mon 09:00" (that Monday, 4 January, is a holiday): the date says which Monday.
    assert message.body == "Teapots opens Mon 11 January, 09:00."


def test_the_off_hours_reply_on_a_holiday_within_the_week_names_the_weekday():
    shop = weekday_shop(name="Teapots")
    days(shop, date(2026, 11, 4))
    reply = MessageTemplate.objects.create(
        name="Closed", channel="sms", body="{{ shop.name }} opens {{ opens_at }}."
    )
    OffHoursReply.objects.create(shop=shop, template=reply)
    with time_machine.travel(msk(2026, 11, 4, 11, 0), tick=False):  # a holiday's working hour
        order = make_order(shop)
    assert OutboundMessage.objects.get(order=order).body == "Teapots opens Thu 09:00."


# "Tomorrow 10:00"


def test_tomorrow_on_a_friday_before_a_day_off_plans_for_the_next_working_day(client):
    shop = weekday_shop()
    days(shop, date(2026, 11, 30))  # Monday made a day off
    user = manager()
    order = make_order(shop, manager=user)
    client.force_login(user)
    with time_machine.travel(msk(2026, 11, 27, 15, 0), tick=False):  # Friday
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-due-day="2026-12-01"' in page and "Tue 1 December, 10:00" in page


def test_tomorrow_on_an_ordinary_day_is_tomorrow(client):
    user = manager()
    order = make_order(weekday_shop(), manager=user)
    client.force_login(user)
    with time_machine.travel(msk(2026, 11, 24, 15, 0), tick=False):  # Tuesday
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-due-day="2026-11-25"' in page and "Tomorrow 10:00" in page


# The production calendar's import

GOOD = """# a comment
date,kind,note
2026-11-03,shortened,Предпраздничный день
2026-11-04,day_off,День народного единства
2027-01-01,day_off,Новый год
"""


def run_import(*args, text: str, tmp_path) -> str:
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_production_calendar", *args, "--file", str(path), stdout=out)
    return out.getvalue()


def test_the_import_fills_a_shops_calendar_and_a_second_run_changes_nothing(tmp_path):
    shop, other = ShopFactory(code="teapots"), ShopFactory(code="cups")
    assert run_import("--shop", "teapots", text=GOOD, tmp_path=tmp_path) == (
        "teapots: 3 added, 0 changed, 0 unchanged.\n"
    )
    assert dict(shop.days.values_list("date", "kind")) == {
        date(2026, 11, 3): SHORTENED,
        date(2026, 11, 4): DAY_OFF,
        date(2027, 1, 1): DAY_OFF,
    }
    assert not other.days.exists()
    assert run_import("--shop", "teapots", text=GOOD, tmp_path=tmp_path) == (
        "teapots: 0 added, 0 changed, 3 unchanged.\n"
    )
    assert shop.days.count() == 3


def test_the_import_changes_a_day_whose_kind_differs_and_reports_it(tmp_path):
    shop = ShopFactory(code="teapots")
    days(shop, date(2026, 11, 4), kind=WORKING, opens_at=time(10), closes_at=time(12))
    out = run_import("--all", "--year", "2026", text=GOOD, tmp_path=tmp_path)
    assert out == "teapots: 1 added, 1 changed, 0 unchanged.\n  changed 2026-11-04\n"
    day = shop.days.get(date=date(2026, 11, 4))
    assert (day.kind, day.opens_at, day.closes_at) == (DAY_OFF, None, None)
    assert not shop.days.filter(date__year=2027).exists()


@pytest.mark.parametrize(
    ("bad_line", "error"),
    [
        ("2026-13-01,day_off,x", "Line 6: '2026-13-01' is not a date"),
        ("2026-11-05,holiday,x", "Line 6: kind 'holiday' is not one of"),
        ("2026-11-04,day_off,again", "Line 6: 2026-11-04 is already on line 4"),
        ("2026-11-05", "Line 6: expected date,kind,note; got 1 fields"),
    ],
)
def test_a_malformed_line_refuses_the_whole_file_and_saves_nothing(tmp_path, bad_line, error):
    ShopFactory(code="teapots")
    with pytest.raises(CommandError, match=error):
        run_import("--all", text=GOOD + bad_line + "\n", tmp_path=tmp_path)
    assert not ShopDay.objects.exists()


def test_the_shipped_production_calendar_reads_and_has_2026s_official_figures(tmp_path):
    shop = weekday_shop(code="teapots")
    call_command("import_production_calendar", "--shop", "teapots", "--year", "2026", stdout=StringIO())
    year = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    calendar = {day.date: day for day in shop.days.all()}
    working = [day for day in year if (calendar[day].hours(shop) if day in calendar else day.isoweekday() < 6)]
    shortened = [day for day in working if day in calendar and calendar[day].kind == SHORTENED]
    assert (len(working), len(shortened)) == (247, 4)  # decree No. 1466 of 24 September 2025


# Admin


def day_form(shop: Shop, **fields) -> dict:
    return {"shop": shop.pk, "date": "2026-11-04", "kind": SHORTENED, "note": ""} | fields


def test_admin_refuses_a_day_that_closes_before_it_opens(admin_client):
    shop = weekday_shop()
    response = admin_client.post(
        reverse("admin:orders_shopday_add"), day_form(shop, opens_at="15:00", closes_at="10:00")
    )
    assert response.status_code == 200 and "Closing time must be after opening time." in response.content.decode()
    assert not ShopDay.objects.exists()


def test_admin_refuses_a_shortened_day_outside_the_shops_usual_hours(admin_client):
    shop = weekday_shop()
    response = admin_client.post(
        reverse("admin:orders_shopday_add"), day_form(shop, opens_at="08:00", closes_at="20:00")
    )
    assert "A shortened day keeps within the shop&#x27;s usual hours, 09:00–18:00." in response.content.decode()
    assert not ShopDay.objects.exists()


def test_admin_refuses_a_date_already_in_the_shops_calendar(admin_client):
    shop = weekday_shop()
    days(shop, date(2026, 11, 4))
    response = admin_client.post(reverse("admin:orders_shopday_add"), day_form(shop, kind=DAY_OFF))
    assert response.status_code == 200 and "already in the shop" in response.content.decode()
    assert shop.days.count() == 1


def test_the_shops_page_refuses_the_same_date_twice_in_its_calendar(admin_client):
    shop = weekday_shop()
    page = admin_client.get(reverse("admin:orders_shop_change", args=[shop.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"opens_at": "09:00", "closes_at": "18:00", "api_keys-TOTAL_FORMS": 0, "api_keys-INITIAL_FORMS": 0}
    data |= {"days-TOTAL_FORMS": 2, "days-INITIAL_FORMS": 0}
    for n in range(2):
        data |= {f"days-{n}-date": "2026-11-04", f"days-{n}-kind": DAY_OFF}
    response = admin_client.post(reverse("admin:orders_shop_change", args=[shop.pk]), data)
    assert response.status_code == 200 and "Please correct the duplicate data" in response.content.decode()
    assert not shop.days.exists()


def test_a_day_off_with_hours_or_a_day_with_one_hour_is_refused():
    shop = weekday_shop()
    with pytest.raises(ValidationError, match="A day off has no hours"):
        ShopDay(shop=shop, date=date(2026, 11, 4), opens_at=time(9), closes_at=time(12)).full_clean()
    with pytest.raises(ValidationError, match="Give both hours"):
        ShopDay(shop=shop, date=date(2026, 11, 4), kind=WORKING, opens_at=time(9)).full_clean()


# The demo


@pytest.mark.parametrize(
    ("today", "holiday"), [(date(2026, 12, 7), date(2026, 12, 8)), (date(2026, 12, 31), date(2026, 12, 31))]
)
def test_the_demos_holiday_falls_this_month(today, holiday):
    assert demo_holiday(today) == holiday


def test_the_demo_calendar_gives_each_shop_the_production_calendar_and_a_holiday_once():
    shops = [weekday_shop(), ShopFactory(always_open=True)]
    with time_machine.travel(msk(2026, 12, 7, 12, 0), tick=False):
        demo_calendar_load(shops=shops)
        demo_calendar_load(shops=shops)
    for shop in shops:
        assert shop.days.get(date=date(2026, 12, 8)).kind == DAY_OFF
        assert shop.days.filter(date=date(2027, 1, 1)).exists()
    assert working_deadline(shops[0], msk(2026, 12, 7, 17, 30), timedelta(hours=1)) == msk(2026, 12, 9, 9, 30)


def test_the_opening_after_a_long_holiday_reads_in_russian_for_a_russian_customer():
    shop = weekday_shop()
    days(shop, date(2026, 12, 31), *(date(2027, 1, d) for d in range(1, 9)))
    with translation.override("ru"):
        assert opening_label(shop, msk(2026, 12, 30, 20, 0)) == "Пн 11 января, 09:00"
