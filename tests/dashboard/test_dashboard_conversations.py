"""The supervisor's open conversations: overdue first replies first, then those waiting unassigned, then those not
answered yet, then the answered, each with its age and who has it; closed ones and other shops' left out; the same
queries however many."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.selectors import DASHBOARD_ROWS
from tests.factories import ShopFactory, free_manager, grant, make_conversation, msk, supervisor

pytestmark = pytest.mark.django_db

NOW = msk(2026, 11, 20, 12, 0)


@pytest.fixture
def desk():
    shop = ShopFactory(always_open=True)
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    lena = free_manager(shops=[shop], username="lena", first_name="Lena", last_name="Lebedeva")
    return {"shop": shop, "boss": boss, "lena": lena}


def _panel(client, boss):
    client.force_login(boss)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("dashboard:dashboard"))
    return response.content.decode().split('data-testid="conversations"')[1].split("</table>")[0]


def test_overdue_first_replies_come_first_then_the_unassigned_then_the_rest(client, desk):
    shop, lena = desk["shop"], desk["lena"]
    answered = make_conversation(
        shop, manager=lena, started=NOW - timedelta(hours=3), replied=NOW - timedelta(hours=2)
    )
    waiting = make_conversation(shop, started=NOW - timedelta(minutes=2))
    late = make_conversation(shop, manager=lena, started=NOW - timedelta(minutes=30))
    late_unassigned = make_conversation(shop, started=NOW - timedelta(minutes=10))
    fresh = make_conversation(shop, manager=lena, started=NOW - timedelta(minutes=1))
    make_conversation(shop, manager=lena, started=NOW - timedelta(hours=5), closed=NOW - timedelta(hours=4))
    make_conversation(ShopFactory(), started=NOW - timedelta(hours=1))  # a shop the supervisor is not granted
    panel = _panel(client, desk["boss"])
    shown = [int(part.split('"')[0]) for part in panel.split('data-id="')[1:]]
    assert shown == [late.pk, late_unassigned.pk, waiting.pk, fresh.pk, answered.pk]
    rows = dict(zip(shown, panel.split('data-testid="conversation"')[1:], strict=True))
    assert "overdue by 25" in rows[late.pk] and "Lena Lebedeva" in rows[late.pk]
    assert "in the queue" in rows[waiting.pk] and "reply-overdue" not in rows[waiting.pk]
    assert "30\xa0minutes" in rows[late.pk]  # its age
    assert "answered" in rows[answered.pk] and "3\xa0hours" in rows[answered.pk]


def test_the_badges_count_every_open_overdue_and_unassigned_conversation_beyond_the_rows_shown(client, desk):
    for n in range(DASHBOARD_ROWS + 2):
        make_conversation(desk["shop"], started=NOW - timedelta(minutes=n + 1))
    client.force_login(desk["boss"])
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("dashboard:dashboard")).content.decode()
    assert 'data-testid="conversations-count">22<' in html
    # Due five minutes after they started: the 17 that started six minutes ago or earlier are overdue.
    assert "17 first replies overdue" in html and "22 waiting for a manager" in html
    assert html.split('data-testid="conversations"')[1].count('data-testid="conversation"') == DASHBOARD_ROWS


def test_the_panel_costs_the_same_however_many_conversations_and_managers(client, desk):
    def queries() -> int:
        client.force_login(desk["boss"])
        with time_machine.travel(NOW, tick=False):
            client.get(reverse("dashboard:dashboard"))
            with CaptureQueriesContext(connection) as ctx:
                client.get(reverse("dashboard:dashboard"))
        return len(ctx)

    make_conversation(desk["shop"], manager=desk["lena"], started=NOW - timedelta(minutes=1))
    few = queries()
    for n in range(6):
        person = free_manager(shops=[desk["shop"]], username=f"m{n}")
        make_conversation(desk["shop"], manager=person, started=NOW - timedelta(minutes=n + 1))
        make_conversation(desk["shop"], started=NOW - timedelta(minutes=n + 20))
    assert queries() == few
