"""Conversations on the KPI page: handled per manager (first answered or closed, once), the median and p90 time
to first reply and the share answered by the shop's clock, exact on a known day; kept in the nightly rollup; in
the CSV; each number leads to the conversations behind it (the viewer's shops only); and the page costs the same
whatever the conversations and managers."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.rollup import Period, day_figures, kpi_period, kpi_rollup_day
from tests.factories import ShopFactory, free_manager, grant, make_conversation
from tests.kpi.kpi_history import DAY, at

pytestmark = pytest.mark.django_db


def _rows(desk, today):
    rows, team = kpi_period(managers=[desk["anna"], desk["boris"]], period=Period(DAY, DAY), today=today)
    return {row.manager.username: row for row in rows}, team


def test_handled_time_to_first_reply_and_share_in_time_of_a_known_day(history, desk):
    by_name, team = _rows(desk, DAY)
    anna, boris = by_name["anna"], by_name["boris"]
    # Anna answered in 1, 10 and 2 minutes: half within 2, nine in ten within 10; two of three by the clock (5).
    assert (anna.conversations, anna.first_replies, anna.replied_in_time) == (3, 3, 2)
    assert (anna.first_reply_median, anna.first_reply_p90) == (120, 600)
    assert anna.replied_in_time_share == pytest.approx(2 / 3)
    # Boris closed one as spam unanswered: handled, but no first reply; the one still waiting is not handled.
    assert (boris.conversations, boris.first_replies, boris.first_reply_median) == (1, 0, None)
    assert boris.replied_in_time_share is None
    assert (team.conversations, team.first_replies, team.first_reply_median, team.first_reply_p90) == (
        4,
        3,
        120,
        600,
    )


def test_a_conversation_answered_one_day_and_closed_the_next_counts_once_on_the_first(desk):
    make_conversation(desk["shop"], manager=desk["anna"], started=at(23), replied=at(23, 2),
                      closed=at(9, day=DAY + timedelta(days=1)), reason="answered")  # fmt: skip
    assert day_figures(DAY)[desk["anna"].pk]["conversations"] == 1
    assert day_figures(DAY + timedelta(days=1)).get(desk["anna"].pk, {}).get("conversations", 0) == 0


def test_a_first_reply_the_moment_the_clock_runs_out_is_in_time_a_second_later_is_not(desk):
    anna = desk["anna"]
    make_conversation(desk["shop"], manager=anna, started=at(9), due=at(9, 5), replied=at(9, 5))
    make_conversation(
        desk["shop"], manager=anna, started=at(9), due=at(9, 5), replied=at(9, 5) + timedelta(seconds=1)
    )
    figures = day_figures(DAY)[anna.pk]
    assert (figures["first_replies"], figures["replied_in_time"]) == (2, 1)


def test_the_nightly_rollup_keeps_the_conversation_figures_a_period_reads(history, desk):
    live, _team = _rows(desk, DAY)
    kpi_rollup_day(day=DAY)
    rolled, team = _rows(desk, DAY + timedelta(days=2))
    for name in ("anna", "boris"):
        assert rolled[name].values["first_reply"] == live[name].values["first_reply"]
        assert (rolled[name].conversations, rolled[name].replied_in_time) == (
            live[name].conversations,
            live[name].replied_in_time,
        )
    assert (team.first_reply_median, team.replied_in_time) == (120, 2)


def test_the_csv_has_the_conversation_columns(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        text = client.get(reverse("kpi:kpi_csv"), {"period": "today"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    anna = next(row for row in rows if row["username"] == "anna")
    assert (anna["conversations handled"], anna["first reply median s"], anna["first reply p90 s"]) == (
        "3",
        "120",
        "600",
    )
    assert (anna["first replies"], anna["replied in time share"]) == ("3", "0.667")


def _listed(client, figure, manager):
    response = client.get(
        reverse("kpi:kpi_conversations"), {"figure": figure, "manager": manager, "period": "today"}
    )
    return response, [item[0].pk for item in response.context["page"].items] if response.status_code == 200 else []


def test_a_number_leads_to_the_conversations_behind_it_and_only_the_viewers_shops(client, history, desk):
    elsewhere = ShopFactory(always_open=True)
    grant(desk["anna"], shops=[desk["shop"], elsewhere])
    hidden = make_conversation(elsewhere, manager=desk["anna"], started=at(9), replied=at(9, 1))
    answered = desk["shop"].conversations.filter(manager=desk["anna"], first_replied_at__isnull=False)
    in_time = [c.pk for c in answered if c.first_replied_at <= c.first_reply_due_at]
    client.force_login(desk["boss"])  # granted the first shop only
    with time_machine.travel(at(18), tick=False):
        response, listed = _listed(client, "replied_in_time", desk["anna"].pk)
        assert response.status_code == 200 and sorted(listed) == sorted(in_time) and hidden.pk not in listed
        assert (
            'href="/kpi/conversations/?period=today&amp;figure=replied_in_time&amp;manager='
            in client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode()
        )
        _response, spam = _listed(client, "conversations", desk["boris"].pk)
        assert [c.close_reason for c in desk["shop"].conversations.filter(pk__in=spam)] == ["spam"]
        # An orders' number is not listed as conversations, nor a conversations' number as orders.
        assert _listed(client, "taken", desk["anna"].pk)[0].status_code == 404
        orders_page = reverse("kpi:kpi_orders")
        assert client.get(orders_page, {"figure": "conversations", "manager": "team"}).status_code == 404


def test_a_manager_sees_the_conversations_behind_their_own_numbers_only(client, history, desk):
    client.force_login(desk["anna"])
    with time_machine.travel(at(18), tick=False):
        assert _listed(client, "conversations", desk["anna"].pk)[0].status_code == 200
        assert _listed(client, "conversations", desk["boris"].pk)[0].status_code == 404
        assert _listed(client, "conversations", "team")[0].status_code == 404


def test_the_page_costs_the_same_however_many_conversations_and_managers(client, desk):
    client.force_login(desk["boss"])

    def queries() -> int:
        with time_machine.travel(at(18), tick=False):
            client.get(reverse("kpi:kpi"), {"period": "today"})
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("kpi:kpi"), {"period": "today"}).status_code == 200
        return len(ctx)

    make_conversation(desk["shop"], manager=desk["anna"], started=at(9), replied=at(9, 1))
    small = queries()
    for n in range(5):
        person = free_manager(shops=[desk["shop"]], username=f"m{n}")
        for minute in range(3):
            make_conversation(desk["shop"], manager=person, started=at(10, minute), replied=at(11, minute),
                              closed=at(12) if minute else None, reason="answered" if minute else "")  # fmt: skip
    assert queries() == small
