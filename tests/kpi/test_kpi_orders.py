"""The orders behind each KPI number, from the small hand-built history: each figure lists exactly the orders it
counted, for one manager or the whole team; who may follow which number; and a page cost that does not grow."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ShopFactory, UserFactory, free_manager, grant, inspector, make_order, supervisor
from tests.kpi.kpi_history import at

pytestmark = pytest.mark.django_db


def behind(client, user, figure, manager, **params):
    client.force_login(user)
    with time_machine.travel(at(18), tick=False):
        return client.get(
            reverse("kpi:kpi_orders"), {"figure": figure, "manager": manager, "period": "today", **params}
        )


def numbers(response) -> set[str]:
    return set(re.findall(r"SHOP\d+-\d+", response.content.decode()))


@pytest.mark.parametrize(
    "person, figure, expected",
    [
        ("anna", "taken", {"first", "second"}),
        ("boris", "taken", {"first"}),
        ("boris", "completed", {"first"}),
        ("anna", "completed", set()),
        ("anna", "cancelled", {"second"}),
        ("anna", "calls", {"first"}),
        ("anna", "reached", {"first"}),
        ("boris", "calls", set()),
        ("anna", "tasks", {"second"}),
        ("anna", "tasks_on_time", {"second"}),
        ("anna", "ratings", {"first"}),
        ("boris", "rated_2", {"first"}),
        ("boris", "rated_5", set()),
        ("anna", "claims", {"first"}),
        ("anna", "claims_resolved", set()),
    ],
)
def test_each_number_leads_to_exactly_the_orders_it_counted(client, history, desk, person, figure, expected):
    response = behind(client, desk["boss"], figure, desk[person].pk)
    assert response.status_code == 200
    assert numbers(response) == {history[name].number for name in expected}


def test_the_team_number_leads_to_the_orders_of_every_manager_shown(client, history, desk):
    response = behind(client, desk["boss"], "taken", "team")
    assert numbers(response) == {history["first"].number, history["second"].number}


def test_a_zero_has_no_link(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        html = client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode()
    assert "kpi-timeouts" not in html and "kpi-claims_resolved" not in html and "kpi-taken" in html


def test_a_manager_follows_their_own_numbers_only(client, history, desk):
    assert numbers(behind(client, desk["anna"], "cancelled", desk["anna"].pk)) == {history["second"].number}
    assert behind(client, desk["anna"], "taken", desk["boris"].pk).status_code == 404
    assert behind(client, desk["anna"], "taken", "team").status_code == 404


def test_a_managers_page_links_their_row_and_not_the_teams(client, history, desk):
    client.force_login(desk["anna"])
    with time_machine.travel(at(18), tick=False):
        html = client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode()
    assert f"manager={desk['anna'].pk}" in html and "manager=team" not in html
    assert f"manager={desk['boris'].pk}" not in html


def test_a_supervisor_of_another_shop_cannot_follow_these_managers(client, history, desk):
    stranger = supervisor(username="elsewhere")
    grant(stranger, shops=[ShopFactory()])
    assert behind(client, stranger, "taken", desk["anna"].pk).status_code == 404
    assert numbers(behind(client, stranger, "taken", "team")) == set()


@pytest.mark.parametrize("role", ["inspector", "no role"])
def test_other_roles_are_refused(client, history, desk, role):
    user = inspector() if role == "inspector" else UserFactory()
    assert behind(client, user, "taken", desk["anna"].pk).status_code == 403


@pytest.mark.parametrize("figure, manager", [("salary", "anna"), ("", "anna"), ("taken", "nobody"), ("taken", "")])
def test_nonsense_in_the_address_is_a_clear_404(client, history, desk, figure, manager):
    response = behind(client, desk["boss"], figure, desk[manager].pk if manager == "anna" else manager)
    assert response.status_code == 404


def test_the_list_costs_the_same_for_two_orders_and_for_twenty(client, desk):
    client.force_login(desk["boss"])
    params = {"figure": "taken", "manager": "team", "period": "today"}

    def queries() -> int:
        with time_machine.travel(at(18), tick=False):
            client.get(reverse("kpi:kpi_orders"), params)  # the first visit also fills per-process caches
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("kpi:kpi_orders"), params)
        assert response.status_code == 200
        return len(ctx)

    with time_machine.travel(at(10), tick=False):
        for _ in range(2):
            make_order(desk["shop"], manager=desk["anna"])
    few = queries()
    with time_machine.travel(at(11), tick=False):
        for n in range(18):
            make_order(desk["shop"], manager=free_manager(shops=[desk["shop"]], username=f"extra{n}"))
    assert queries() == few


def test_a_supervisor_sees_only_their_shops_orders_behind_a_managers_number(client, history, desk):
    """Anna also works for a shop the supervisor does not watch: that order stays out of the list."""
    with time_machine.travel(at(12), tick=False):
        elsewhere = make_order(ShopFactory(always_open=True), manager=desk["anna"])
    listed = numbers(behind(client, desk["boss"], "taken", desk["anna"].pk))
    assert elsewhere.number not in listed and history["first"].number in listed


def test_each_average_time_in_a_status_leads_to_the_orders_that_left_it(client, history, desk):
    """Boris moved the first order on from Approval; Anna moved both orders on from New."""
    assert numbers(behind(client, desk["boss"], "stay_approval", desk["boris"].pk)) == {history["first"].number}
    assert numbers(behind(client, desk["boss"], "stay_new", desk["anna"].pk)) == {
        history["first"].number,
        history["second"].number,
    }
    assert numbers(behind(client, desk["boss"], "stay_new", desk["boris"].pk)) == set()
    response = behind(client, desk["boss"], "stay_approval", "team")
    assert "Moved on from Approval" in response.content.decode()


def test_the_time_in_status_table_links_each_average_for_the_viewers_rows(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        html = client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode()
    table = html.split('data-testid="time-in-status"')[1].split("</table>")[0]
    assert f"figure=stay_approval&amp;manager={desk['boris'].pk}" in table and "manager=team" in table
    client.force_login(desk["anna"])
    with time_machine.travel(at(18), tick=False):
        html = client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode()
    table = html.split('data-testid="time-in-status"')[1].split("</table>")[0]
    assert f"manager={desk['anna'].pk}" in table and "manager=team" not in table


@pytest.mark.parametrize("figure", ["stay_nosuchstatus", "stays", "stay_"])
def test_a_status_that_does_not_exist_is_a_404(client, history, desk, figure):
    assert behind(client, desk["boss"], figure, desk["anna"].pk).status_code == 404
