"""The supervisor's dashboard: each manager's presence, load, tasks and timeouts."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment.models import Presence
from assignment.services import assignments_expire, presence_set
from orders.models import AccessGrant, Order, Task
from tests.factories import ShopFactory, free_manager, grant, make_order, make_task, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory()


def test_the_dashboard_shows_each_managers_presence_and_load(client, shop):
    free_manager(username="loaded", first_name="Lena", last_name="Loaded", quota=2)
    make_order(shop)
    presence_set(user=free_manager(username="away", first_name="Aleks", last_name="Away"), presence=Presence.LUNCH)
    client.force_login(supervisor())
    html = client.get("/dashboard/").content.decode()
    team = html.split('data-testid="team"')[1].split("</table>")[0]
    rows = {name: row for row in team.split("<tr>") for name in ("Lena Loaded", "Aleks Away") if name in row}
    assert "1 / 2" in rows["Lena Loaded"] and "Free" in rows["Lena Loaded"]
    assert "0 / 10" in rows["Aleks Away"] and "Lunch" in rows["Aleks Away"]


def test_the_team_view_counts_each_managers_open_and_overdue_tasks(client, shop):
    lena = free_manager(username="lena", first_name="Lena", last_name="Tasks")
    order = make_order(shop)
    make_task(order, assignee=lena, due_at=timezone.now() - timedelta(minutes=1))
    make_task(order, assignee=lena, due_at=timezone.now() + timedelta(hours=1))
    done = make_task(order, assignee=lena, text="Done already")
    Task.objects.filter(pk=done.pk).update(done_at=timezone.now())
    client.force_login(supervisor())
    html = client.get("/dashboard/").content.decode()
    row = next(row for row in html.split("<tr>") if "Lena Tasks" in row)
    cell = row.split('data-testid="team-tasks">')[1].split("</td>")[0]
    assert cell.startswith("2 ") and "1 overdue" in cell


def test_the_team_view_marks_a_manager_who_lets_orders_time_out_repeatedly(client, shop):
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    free_manager(username="slow", first_name="Slow", last_name="One")
    for _ in range(2):
        make_order(shop)
    free_manager(username="quick", first_name="Quick", last_name="One")
    # Past the default acceptance timeout (five minutes): both orders leave the slow manager.
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1), tick=False):
        assert assignments_expire() == 2
        client.force_login(boss)
        html = client.get(reverse("dashboard:dashboard")).content.decode()
    slow_row = next(row for row in html.split("<tr>") if "Slow One" in row)
    quick_row = next(row for row in html.split("<tr>") if "Quick One" in row)
    assert "2 timeouts" in slow_row and "text-bg-danger" in slow_row
    assert "none" in quick_row


def test_the_dashboard_counts_every_overdue_order_task_and_waiting_order_beyond_the_rows_it_shows(client, shop):
    # No manager: every order waits in the queue. One more than the rows shown, in each list.
    shown = 20
    orders = [make_order(shop) for _ in range(shown + 1)]
    Order.objects.update(is_overdue=True, overdue_since=timezone.now() - timedelta(hours=1))
    lena = free_manager(username="lena")
    for order in orders:
        make_task(order, assignee=lena, due_at=timezone.now() - timedelta(minutes=1))
    client.force_login(supervisor())
    html = client.get(reverse("dashboard:dashboard")).content.decode()
    for testid in ("overdue-count", "overdue-tasks-count", "queue-count"):
        assert html.split(f'data-testid="{testid}">')[1].split("<")[0] == "21"
    assert html.count("The first 20 of 21.") == 3


def test_a_supervisor_granted_no_shop_is_told_so_not_that_there_are_no_managers(client, shop):
    grant(free_manager(username="lena", first_name="Lena", last_name="Here"), shops=[shop])
    boss = supervisor(username="boss")
    AccessGrant.objects.create(user=boss)  # "all" off and nothing chosen: no shop
    client.force_login(boss)
    html = client.get(reverse("dashboard:dashboard")).content.decode()
    assert "No managers yet" not in html
    assert "No managers in the shops you are granted" in html
