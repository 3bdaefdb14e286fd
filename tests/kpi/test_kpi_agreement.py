"""Every number on the KPI page agrees with the list behind it, for each manager and for the team, over a history
of two days with hand-overs, an order handed over the day after it went overdue, a customer task, a rating with
its claim and cancelled orders (never counted as completed): yesterday read from the nightly rollup, today live."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from assignment.models import Presence
from assignment.services import presence_set
from feedback.models import ShopFeedback
from kpi.rollup import kpi_rollup_day
from kpi.templatetags.kpi_tags import percent
from orders.models import CallOutcome
from orders.services import (
    order_change_status,
    order_record_call,
    order_set_manager,
    orders_flag_overdue,
    task_complete,
    task_create,
)
from tests.factories import make_order, make_task
from tests.kpi.kpi_history import DAY, at, rate

pytestmark = pytest.mark.django_db

YESTERDAY = DAY - timedelta(days=1)
LINK = re.compile(r'<a href="([^"]+)" data-testid="kpi-([\w]+)" data-value="(\d+)">([^<]*)</a>')


@pytest.fixture
def two_days(desk):
    """Yesterday: Anna takes o1 and o2, Boris o3; o1 and o3 go overdue at noon; o3 goes to Anna and back to Boris
    (taken once by each); Anna calls about o1 twice, closes a task on time, cancels o2; Boris closes a late task
    about a customer, not an order. Today: o1, overdue since yesterday in Anna's hands, goes to Boris, who
    completes it (rated 2, a claim); Boris cancels o3 and o4; o5 goes overdue with Anna and then to Boris."""
    anna, boris, boss, shop = desk["anna"], desk["boris"], desk["boss"], desk["shop"]
    ShopFeedback.objects.create(shop=shop, signer="Maria", delay=timedelta(0))
    for manager in (anna, boris):  # nobody free: every order goes where the test says
        presence_set(user=manager, presence=Presence.LUNCH)
    with time_machine.travel(at(10, day=YESTERDAY), tick=False):
        o1, o2 = make_order(shop, manager=anna), make_order(shop, manager=anna)
        o3 = make_order(shop, manager=boris)
    with time_machine.travel(at(10, 5, day=YESTERDAY), tick=False):
        order_record_call(order=o1, by=anna, outcome=CallOutcome.REACHED)
        order_record_call(order=o1, by=anna, outcome=CallOutcome.NO_ANSWER)
        order_change_status(order=o1, target="approval", by=anna)
        order_change_status(order=o2, target="cancelled", by=anna, reason="changed their mind")
        task = make_task(o1, assignee=anna, due_at=at(15, day=YESTERDAY))
        chat = task_create(
            customer=o3.customer,
            assignee=boris,
            by=boris,
            text="Ask about the next order",
            due_at=at(11, day=YESTERDAY),
        )
    with time_machine.travel(at(12, day=YESTERDAY), tick=False):
        orders_flag_overdue()
    with time_machine.travel(at(13, day=YESTERDAY), tick=False):
        order_set_manager(order=o3, manager=anna, by=boss, reason="Boris is away")
    with time_machine.travel(at(14, day=YESTERDAY), tick=False):
        order_set_manager(order=o3, manager=boris, by=boss, reason="Boris is back")
        task_complete(task=task, by=anna, without_next_step=True)
    with time_machine.travel(at(16, day=YESTERDAY), tick=False):
        task_complete(task=chat, by=boris, without_next_step=True)
    with time_machine.travel(at(1), tick=False):
        kpi_rollup_day(day=YESTERDAY)
    with time_machine.travel(at(9), tick=False):
        order_set_manager(order=o1, manager=boris, by=boss, reason="Anna is off today")
    with time_machine.travel(at(9, 30), tick=False):
        for code in ("assembly", "delivery", "complete"):
            order_change_status(order=o1, target=code, by=boris)
        o4 = make_order(shop, manager=boris)
        o5 = make_order(shop, manager=anna)
        for order in (o3, o4):
            order_change_status(order=order, target="cancelled", by=boris, reason="out of stock")
    with time_machine.travel(at(10), tick=False):
        orders_flag_overdue()
    with time_machine.travel(at(11), tick=False):
        order_set_manager(order=o5, manager=boris, by=boss, reason="Anna is off today")
    rate(o1, 2, at(15))
    return {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "o5": o5}


def _page(client, user):
    client.force_login(user)
    with time_machine.travel(at(18), tick=False):
        return client.get(reverse("kpi:kpi"), {"period": "7d"}).content.decode()


def _listed(client, url) -> tuple[int, int, str]:
    """The list behind a number: its total, how many lines it shows, and its page."""
    with time_machine.travel(at(18), tick=False):
        html = client.get(unescape(url)).content.decode()
    total = int(re.search(r'data-testid="total">([\d,]+)<', html).group(1))
    lines = html.count('data-testid="kpi-line"')
    without = re.search(r'data-testid="without-order">And (\d+) task', html)
    return total, lines + (int(without.group(1)) if without else 0), html


def test_every_number_on_the_page_is_the_count_of_its_list_for_each_manager_and_the_team(client, desk, two_days):
    html = _page(client, desk["boss"])
    rows = html.split('data-testid="kpi-row"')[1:]
    assert len(rows) >= 3  # Anna, Boris, the team
    checked = 0
    for row in rows:
        counts, links = {}, LINK.findall(row.split("</tr>")[0])
        for url, figure, value, _ in links:
            total, lines, _ = _listed(client, url)
            assert int(value) == total == lines, (figure, url)
            counts[figure] = total
            checked += 1
        # A share on the page is its lists' counts divided: overdue of taken, reached of calls.
        cells = {figure: shown for _, figure, _, shown in links}
        if "overdue" in counts:
            assert cells["overdue"] == percent(counts["overdue"] / counts["taken"])
        share = re.search(r'data-testid="reached-share">([^<]*)<', row.split("</tr>")[0])
        if share:  # reached of the calls, each placed through the desk or logged by hand
            reached = counts.get("dialled_reached", 0) + counts.get("reached", 0)
            assert share.group(1) == percent(reached / (counts.get("dialled", 0) + counts.get("calls", 0)))
    assert checked >= 20
    # The time in each status: every average leads to as many orders as left that status.
    table = html.split('data-testid="time-in-status"')[1].split("</table>")[0]
    stays = LINK.findall(table)
    assert stays
    for url, figure, value, _ in stays:
        total, lines, _ = _listed(client, url)
        assert int(value) == total == lines, (figure, url)


def _figure(client, desk, figure, who) -> tuple[int, str]:
    manager = "team" if who == "team" else desk[who].pk
    url = f"{reverse('kpi:kpi_orders')}?period=7d&figure={figure}&manager={manager}"
    total, _, html = _listed(client, url)
    return total, html


def test_overdue_counts_for_whoever_held_the_order_when_it_went_overdue_after_a_hand_over(client, desk, two_days):
    """o1 went overdue yesterday in Anna's hands and is Boris's today: it stays Anna's overdue, as the nightly
    figure said; o3 went overdue with Boris, o5 today with Anna."""
    client.force_login(desk["boss"])
    total, html = _figure(client, desk, "overdue", "anna")
    assert total == 2 and two_days["o1"].number in html and two_days["o5"].number in html
    total, html = _figure(client, desk, "overdue", "boris")
    assert total == 1 and two_days["o3"].number in html


def test_taken_counts_an_order_once_for_each_manager_it_came_to(client, desk, two_days):
    """o3 went Boris → Anna → Boris: taken once by each; the team's number adds the managers' up."""
    client.force_login(desk["boss"])
    assert _figure(client, desk, "taken", "anna")[0] == 4  # o1, o2, o3, o5
    assert _figure(client, desk, "taken", "boris")[0] == 4  # o3, o1, o4, o5
    total, html = _figure(client, desk, "taken", "team")
    assert total == 8
    lines = re.findall(r'<a class="fw-semibold[^>]*>([^<]+)</a>.*?data-testid="counted-for">([^<]+)<', html, re.S)
    assert sorted(name for number, name in lines if number == two_days["o3"].number) == ["Anna A", "Boris B"]


def test_a_cancelled_order_is_never_counted_as_completed(client, desk, two_days):
    client.force_login(desk["boss"])
    total, html = _figure(client, desk, "completed", "team")
    assert total == 1 and two_days["o1"].number in html
    total, html = _figure(client, desk, "cancelled", "team")
    assert total == 3
    assert all(two_days[name].number in html for name in ("o2", "o3", "o4"))
