"""The one list of figures and the one scope: every figure the rollup keeps is a column of the daily rollup and
a number whose list agrees with it, the CSV's columns come from the same list, and `kpi_scope` alone decides
whose rows a viewer sees."""

import csv
import io

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse

from kpi.figures import COUNTS, CSV_HEADS, FIGURES
from kpi.models import ManagerDay
from kpi.rollup import day_figures
from kpi.scope import kpi_scope
from tests.kpi.kpi_history import DAY, at

pytestmark = pytest.mark.django_db


def test_every_count_the_rollup_keeps_is_a_column_of_the_daily_rollup():
    columns = {field.name for field in ManagerDay._meta.get_fields()}
    assert COUNTS and set(COUNTS) <= columns


def test_every_kept_figure_lists_as_many_rows_as_the_rollup_counted_for_each_manager(client, history, desk):
    """The rollup's count and the drill-down's list read the same registry entry: they cannot disagree."""
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        figures = day_figures(DAY)
        for figure in (figure for figure in FIGURES.values() if figure.kept_as):
            for person in (desk["anna"], desk["boris"]):
                response = client.get(
                    reverse(f"kpi:kpi_{figure.lists}"),
                    {"figure": figure.name, "manager": person.pk, "period": "today"},
                )
                lines = response.content.decode().count('data-testid="kpi-line"')
                without_order = response.context.get("without_order", 0)
                counted = figures.get(person.pk, {}).get(figure.kept_as, 0)
                assert lines + without_order == counted, (figure.name, person.username)


def test_the_csv_has_every_column_of_the_registry_once_and_a_value_for_each(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        rows = list(
            csv.reader(io.StringIO(client.get(reverse("kpi:kpi_csv"), {"period": "today"}).content.decode()))
        )
    assert rows[0] == [
        "manager", "username", "taken", "completed", "cancelled", "overdue share", "acceptance timeouts",
        "first touch median s", "first touch p90 s", "calls", "calls placed through the desk",
        "calls logged by hand", "reached share", "talk time s", "calls with talk", "incoming calls answered",
        "incoming calls rang and not answered", "tasks closed", "on time share",
        "ratings", "average rating", "1", "2", "3", "4", "5", "claims opened", "claims resolved",
        "conversations handled", "first reply median s", "first reply p90 s", "first replies",
        "replied in time share",
    ]  # fmt: skip
    assert rows[0] == CSV_HEADS and all(len(row) == len(CSV_HEADS) for row in rows)


def test_a_managers_scope_is_their_own_row_and_the_team_only_for_those_who_see_every_row(history, desk):
    anna, boris, boss = desk["anna"], desk["boris"], desk["boss"]
    hers = kpi_scope(anna, QueryDict("period=today"))
    assert hers.shown == [anna] and set(hers.team) == {anna, boris}
    assert hers.people(str(anna.pk)) == [anna]
    assert hers.people(str(boris.pk)) is None and hers.people("team") is None
    theirs = kpi_scope(boss, QueryDict("period=today"))
    assert set(theirs.shown) == {anna, boris} and set(theirs.people("team")) == {anna, boris}
    assert theirs.people(str(boris.pk)) == [boris]


def test_a_managers_csv_has_their_row_and_the_teams_never_a_colleagues(client, history, desk):
    client.force_login(desk["anna"])
    with time_machine.travel(at(18), tick=False):
        rows = list(
            csv.reader(io.StringIO(client.get(reverse("kpi:kpi_csv"), {"period": "today"}).content.decode()))
        )
    assert [row[1] for row in rows[1:]] == ["anna", ""] and rows[-1][0] == "Team"


def test_the_page_shows_every_kept_figure_with_the_rollups_count_linked_to_its_orders(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        counted = day_figures(DAY)[desk["anna"].pk]
        html = client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode()
    anna = next(row for row in html.split('data-testid="kpi-row"')[1:] if "Anna A" in row)
    shown = [figure for figure in FIGURES.values() if figure.kept_as and counted[figure.kept_as]]
    assert len(shown) >= 6  # the history gives Anna most figures
    for figure in shown:
        assert f'data-testid="kpi-{figure.name}" data-value="{counted[figure.kept_as]}"' in anna, figure.name
