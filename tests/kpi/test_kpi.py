"""KPIs against a small hand-built history on a frozen clock: each figure, an order worked by three people and
rated 2 (all three credited, the claim counted once for each), day boundaries on the desk's clock, a late rating
re-rolling the month it belongs to, scoping (a manager sees their row and the team's totals only), the CSV, and
a query count that does not grow with the team or the days."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignment.models import Presence
from assignment.services import presence_set
from kpi.models import ManagerDay
from kpi.rollup import RULES, Period, day_figures, kpi_period, kpi_rollup_day, kpi_rollup_due, kpi_series
from orders.services import order_change_status
from tests.factories import free_manager, inspector, make_order
from tests.kpi.kpi_history import DAY, at, rate

pytestmark = pytest.mark.django_db


def test_each_figure_of_a_day_for_each_person(history, desk):
    figures = day_figures(DAY)
    anna, boris, boss = (figures[desk[name].pk] for name in ("anna", "boris", "boss"))
    assert (anna["taken"], anna["cancelled"], anna["calls"], anna["reached"]) == (2, 1, 1, 1)
    assert (boris["taken"], boris["completed"], boris["cancelled"]) == (1, 1, 0)
    # Rated 2: credited to all three who worked on it; the claim counts once for each of them.
    for person in (anna, boris, boss):
        assert person["ratings"] == [0, 1, 0, 0, 0] and person["claims_opened"] == 1
    assert (anna["tasks_done"], anna["tasks_on_time"]) == (1, 1)


def test_a_rollup_is_the_day_and_a_period_adds_days_up(history, desk):
    kpi_rollup_day(day=DAY)
    assert ManagerDay.objects.get(manager=desk["anna"], day=DAY).taken == 2
    rows, team = kpi_period(
        managers=[desk["anna"], desk["boris"]],
        period=Period(DAY - timedelta(days=6), DAY),
        today=DAY + timedelta(days=1),
    )
    by_name = {row.manager.username: row for row in rows}
    assert by_name["anna"].rating_average == 2 and by_name["boris"].completed == 1
    assert team.taken == 3 and team.rating_count == 2


def test_day_boundaries_are_on_the_desks_clock(desk):
    with time_machine.travel(at(23, 59), tick=False):
        make_order(desk["shop"], manager=desk["anna"])
    with time_machine.travel(at(0, 1, day=DAY + timedelta(days=1)), tick=False):
        make_order(desk["shop"], manager=desk["anna"])
    assert day_figures(DAY)[desk["anna"].pk]["taken"] == 1
    assert day_figures(DAY + timedelta(days=1))[desk["anna"].pk]["taken"] == 1


def test_a_late_rating_re_rolls_the_day_the_order_was_completed(history, desk):
    with time_machine.travel(at(1, 0, day=DAY + timedelta(days=1)), tick=False):
        kpi_rollup_due()
    with time_machine.travel(at(16), tick=False):
        third = make_order(desk["shop"], manager=desk["anna"])
        for code in ("approval", "assembly", "delivery", "complete"):
            order_change_status(order=third, target=code, by=desk["anna"])
    with time_machine.travel(at(1, 0, day=DAY + timedelta(days=2)), tick=False):
        kpi_rollup_due()
    assert ManagerDay.objects.get(manager=desk["anna"], day=DAY).ratings == [0, 1, 0, 0, 0]
    rate(third, 5, at(10, day=DAY + timedelta(days=35)))  # a month later
    with time_machine.travel(at(0, 30, day=DAY + timedelta(days=36)), tick=False):
        kpi_rollup_due()
    assert ManagerDay.objects.get(manager=desk["anna"], day=DAY).ratings == [0, 1, 0, 0, 1]


def test_a_night_the_run_missed_is_rolled_up_at_the_next_run(history, desk):
    """The cluster was down the night after DAY + 1: the next run rolls up that day too, not only yesterday, so
    the page's number for it is not left at nothing while the list behind it has its orders."""
    with time_machine.travel(at(0, 30, day=DAY + timedelta(days=1)), tick=False):
        kpi_rollup_due()  # rolls up DAY
    with time_machine.travel(at(12, day=DAY + timedelta(days=1)), tick=False):
        make_order(desk["shop"], manager=desk["anna"])
    with time_machine.travel(at(12, day=DAY + timedelta(days=2)), tick=False):
        make_order(desk["shop"], manager=desk["anna"])
    with time_machine.travel(at(0, 30, day=DAY + timedelta(days=3)), tick=False):
        kpi_rollup_due()  # the run of DAY + 2 at 00:30 never happened
    taken = dict(ManagerDay.objects.filter(manager=desk["anna"]).values_list("day", "taken"))
    assert taken == {DAY: 2, DAY + timedelta(days=1): 1, DAY + timedelta(days=2): 1}


def test_before_the_nights_run_yesterday_is_read_live_and_after_it_from_the_rollup_counted_once(history, desk):
    """At 00:10 the run that rolls up DAY (00:30) has not happened: the week's figures still hold DAY, read live,
    as the lists behind them do; after the run they come from the rollup, not counted twice."""
    managers, week = [desk["anna"], desk["boris"]], Period(DAY - timedelta(days=5), DAY + timedelta(days=1))

    def team_taken_and_chart():
        _, team = kpi_period(managers=managers, period=week)
        series = kpi_series(managers=managers, period=week)
        return team.taken, dict((day, taken) for day, taken, _ in series.days)[DAY]

    with time_machine.travel(at(0, 10, day=DAY + timedelta(days=1)), tick=False):
        assert not ManagerDay.objects.exists()
        assert team_taken_and_chart() == (3, 3)
    with time_machine.travel(at(0, 30, day=DAY + timedelta(days=1)), tick=False):
        kpi_rollup_due()
        assert ManagerDay.objects.filter(day=DAY).exists() and team_taken_and_chart() == (3, 3)
    with time_machine.travel(at(12, day=DAY + timedelta(days=1)), tick=False):
        make_order(desk["shop"], manager=desk["anna"])
    with time_machine.travel(at(0, 10, day=DAY + timedelta(days=2)), tick=False):
        assert team_taken_and_chart() == (4, 3)  # DAY + 1 is live now, DAY from its rollup


def test_a_day_read_live_is_never_also_read_from_a_rollup_of_it(history, desk):
    with time_machine.travel(at(18), tick=False):
        kpi_rollup_day(day=DAY)  # today rolled up by hand: the page still reads today live, once
        _, team = kpi_period(managers=[desk["anna"], desk["boris"]], period=Period(DAY, DAY))
    assert team.taken == 3


def test_the_nightly_run_rewrites_the_latest_days_older_rules_counted(history, desk):
    """A day rolled up before the rules changed (an order taken twice counted twice) is rewritten, latest first."""
    kpi_rollup_day(day=DAY)
    ManagerDay.objects.filter(day=DAY).update(rules=1, taken=7)
    with time_machine.travel(at(1, 0, day=DAY + timedelta(days=100)), tick=False):
        kpi_rollup_due()
    row = ManagerDay.objects.get(manager=desk["anna"], day=DAY)
    assert (row.rules, row.taken) == (RULES, 2)


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("kpi:kpi"), params)


def test_a_supervisor_sees_every_manager_and_a_manager_only_their_row_and_the_team(client, history, desk):
    with time_machine.travel(at(18), tick=False):
        html = page(client, desk["boss"], period="today").content.decode()
        assert "Anna A" in html and "Boris B" in html and "Team" in html
        html = page(client, desk["anna"], period="today").content.decode()
    assert "Anna A" in html and "Boris B" not in html and "Team" in html


@pytest.mark.parametrize("role", ["inspector", "no role"])
def test_the_kpi_page_is_closed_to_other_roles(client, desk, role):
    from tests.factories import UserFactory

    user = inspector() if role == "inspector" else UserFactory()
    client.force_login(user)
    assert client.get(reverse("kpi:kpi")).status_code == 403
    assert client.get(reverse("kpi:kpi_csv")).status_code == 403


def test_a_custom_period_that_makes_no_sense_is_refused_and_kept(client, desk):
    response = page(client, desk["boss"], period="custom", first="2026-11-20", last="2026-11-01")
    html = response.content.decode()
    assert response.status_code == 400 and "comes after its last" in html and 'value="2026-11-20"' in html


def test_sorting_by_average_rating(client, history, desk):
    presence_set(user=desk["anna"], presence=Presence.LUNCH)
    presence_set(user=desk["boris"], presence=Presence.FREE)  # his alone, from the start
    with time_machine.travel(at(16), tick=False):
        his = make_order(desk["shop"], manager=desk["boris"])
        for code in ("approval", "assembly", "delivery", "complete"):
            order_change_status(order=his, target=code, by=desk["boris"])
    rate(his, 5, at(17))  # Boris: 2 and 5, average 3.5; Anna: 2
    with time_machine.travel(at(18), tick=False):
        best_first = page(client, desk["boss"], period="today", sort="-rating").content.decode()
        worst_first = page(client, desk["boss"], period="today", sort="rating").content.decode()
    assert best_first.index("Boris B") < best_first.index("Anna A")
    assert worst_first.index("Anna A") < worst_first.index("Boris B")


def test_the_csv_has_the_columns_for_payroll_and_the_period_in_its_name(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        response = client.get(reverse("kpi:kpi_csv"), {"period": "today"})
    assert response["Content-Disposition"] == f'attachment; filename="kpi_all-shops_{DAY}_{DAY}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == ["manager", "username", "taken", "completed", "cancelled", "overdue share"]
    by_user = {row[1]: row for row in rows[1:]}
    assert by_user["anna"][2] == "2" and by_user["boris"][3] == "1" and rows[-1][0] == "Team"


def test_the_page_costs_the_same_for_a_small_and_a_larger_team_over_thirty_days(client, desk):
    client.force_login(desk["boss"])

    def queries() -> int:
        client.get(reverse("kpi:kpi"), {"period": "30d"})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("kpi:kpi"), {"period": "30d"}).status_code == 200
        return len(ctx)

    today = date.today()
    # Last night's run is done (before it, yesterday is read live too, for both teams alike).
    ManagerDay.objects.create(manager=desk["anna"], day=today - timedelta(days=1), ratings=[0] * 5)
    small = queries()
    for n in range(8):
        person = free_manager(shops=[desk["shop"]], username=f"m{n}")
        ManagerDay.objects.bulk_create(
            [
                ManagerDay(manager=person, day=today - timedelta(days=d), taken=d, ratings=[0, 0, 0, 1, d])
                for d in range(1, 30)
            ]
        )
    assert queries() == small


def test_a_managers_chart_shows_their_own_ratings_only(client, history, desk):
    with time_machine.travel(at(18), tick=False):
        html = page(client, desk["anna"], period="7d").content.decode()
    table = html.split('data-testid="ratings-per-week"')[1].split("</table>")[0]
    assert "Anna A" in table and "Boris B" not in table and "Svetlana" not in table


def test_time_in_each_status_runs_from_entering_it_to_the_line_that_moved_the_order_on(client, history, desk):
    figures = day_figures(DAY)
    # Anna: the first order 5 min in New before she confirmed it, the second an hour before she cancelled it.
    assert figures[desk["anna"].pk]["status_time"]["new"] == [300 + 3600, 2]
    # Boris moved the first on from Approval, where it had sat 55 min since Anna put it there.
    assert figures[desk["boris"].pk]["status_time"]["approval"] == [55 * 60, 1]
    kpi_rollup_day(day=DAY)
    rows, team = kpi_period(
        managers=[desk["anna"], desk["boris"]], period=Period(DAY, DAY), today=DAY + timedelta(days=1)
    )
    assert {row.manager.username: row.status_average("new") for row in rows}["anna"] == 1950
    assert team.status_average("approval") == 55 * 60
    with time_machine.travel(at(18), tick=False):
        html = page(client, desk["boss"], period="today").content.decode()
    table = html.split('data-testid="time-in-status"')[1].split("</table>")[0]
    assert "32 min" in table and "55 min" in table  # Anna's 1,950 s in New; Boris's Approval


def touched_after(order, manager, delays, *, day=DAY):
    """Routing's decisions for `manager` at 09:00, each taken up `delays[i]` seconds later (None: never)."""
    from assignment.models import AssignmentDecision

    assigned = at(9, day=day)
    AssignmentDecision.objects.bulk_create(
        AssignmentDecision(
            order=order, manager=manager, rule="even_load", created_at=assigned,
            accept_by=assigned + timedelta(minutes=5),
            accepted_at=None if delay is None else assigned + timedelta(seconds=delay),
        )
        for delay in delays
    )  # fmt: skip


def test_first_touch_median_and_p90_are_the_bounds_half_and_nine_tenths_were_taken_up_within(client, desk):
    carl = free_manager(shops=[desk["shop"]], first_name="Carl", last_name="C", username="carl")
    with time_machine.travel(at(8), tick=False):
        order = make_order(desk["shop"])
    # Ten taken up (four in 30 s, two in 2 min, three in 10 min, one in 2 h) and one never: not counted.
    touched_after(order, carl, [30] * 4 + [120] * 2 + [600] * 3 + [7200, None])
    figures = day_figures(DAY)[carl.pk]
    assert sum(figures["first_touch"].values()) == 10
    [row], _ = kpi_period(managers=[carl], period=Period(DAY, DAY), today=DAY, live={DAY: day_figures(DAY)})
    assert (row.touch_count, row.first_touch_median, row.first_touch_p90) == (10, 120, 600)
    with time_machine.travel(at(18), tick=False):
        html = page(client, desk["boss"], period="today").content.decode()
    carl_row = html.split("Carl C")[1].split("</tr>")[0]
    assert "≤ <a" in carl_row and "2 min</a>" in carl_row and "p90 ≤ 10 min" in carl_row
    assert "figure=touch" in carl_row


def test_first_touch_over_a_period_is_read_from_every_days_touches_not_an_average_of_medians(desk):
    carl = free_manager(shops=[desk["shop"]], username="carl")
    with time_machine.travel(at(8), tick=False):
        order = make_order(desk["shop"])
    touched_after(order, carl, [30, 30, 30])  # a quick day: median 30 s
    touched_after(order, carl, [3600] * 4, day=DAY + timedelta(days=1))  # a slow one: 1 h
    for day in (DAY, DAY + timedelta(days=1)):
        kpi_rollup_day(day=day)
    [row], team = kpi_period(
        managers=[carl], period=Period(DAY, DAY + timedelta(days=1)), today=DAY + timedelta(days=2)
    )
    # Seven touches, the fourth is an hour; an average of the two medians would say about half an hour.
    assert (row.touch_count, row.first_touch_median, row.first_touch_p90) == (7, 3600, 3600)
    assert team.first_touch_median == 3600


def test_a_first_touch_longer_than_the_last_bound_counts_in_the_last_bucket(desk):
    carl = free_manager(shops=[desk["shop"]], username="carl")
    with time_machine.travel(at(8), tick=False):
        order = make_order(desk["shop"])
    touched_after(order, carl, [30 * 86400])
    [row], _ = kpi_period(managers=[carl], period=Period(DAY, DAY), today=DAY, live={DAY: day_figures(DAY)})
    assert row.first_touch_median == 604800  # "7 days"


def test_rollups_written_as_lists_of_seconds_become_histograms_on_migrating(desk):
    from importlib import import_module
    from types import SimpleNamespace

    migration = import_module("assignment.migrations.0009_kpi_first_touch_histogram")
    # The migration asks for assignment's ManagerDay (the model was assignment's then): it is kpi's now.
    apps = SimpleNamespace(get_model=lambda app_label, name: ManagerDay)
    old = ManagerDay.objects.create(
        manager=desk["anna"], day=DAY, ratings=[0] * 5, first_touch=[30, 30, 120, 100000]
    )
    migration.lists_to_histograms(apps, None)
    old.refresh_from_db()
    [row], _ = kpi_period(managers=[desk["anna"]], period=Period(DAY, DAY), today=DAY + timedelta(days=1))
    assert (row.touch_count, row.first_touch_median, row.first_touch_p90) == (4, 30, 129600)


def test_a_history_written_before_its_columns_counts_the_same_once_migrated(history, desk):
    """The KPIs read the history's columns (a status line's move, a change of hands, a call's outcome): lines
    written when those were keys of the JSON count, once the migration moved them, as they did then."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("orders.migrations.0024_order_event_details_into_columns")
    figures = day_figures(DAY)
    migration.backwards(apps, None)  # the day's lines as they were written before the columns
    assert day_figures(DAY)[desk["anna"].pk]["taken"] == 0  # the figures read the columns, not the JSON
    migration.forwards(apps, None)
    assert day_figures(DAY) == figures
