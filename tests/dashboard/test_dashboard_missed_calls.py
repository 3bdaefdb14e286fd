"""Missed calls on the supervisor's dashboard: those nobody called back within the shop's call-back time (15 min
when the shop has no phone settings), oldest first, with their age, linked to the customer and the order; only the
supervisor's shops; a fixed number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import ShopVoice
from orders.services import phone_calls_called_back
from tests.calls.phone_rows import missed_call
from tests.factories import ShopFactory, grant, make_order, manager, msk, supervisor

pytestmark = pytest.mark.django_db
NOW = msk(2026, 12, 7, 15, 0)


@pytest.fixture
def shop():
    return ShopFactory(name="Green Garden", always_open=True)


@pytest.fixture
def boss(client, shop):
    person = supervisor()
    grant(person, shops=[shop])
    client.force_login(person)
    return person


def panel(client) -> str:
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("dashboard:dashboard")).content.decode()
    start = html.index('data-testid="missed-calls-panel"')
    return html[start : html.index("</table>", start)]


def ids(html: str) -> list[int]:
    return [int(part.split('"')[0]) for part in html.split('data-testid="missed-call-row" data-id="')[1:]]


def test_missed_calls_past_15_minutes_are_shown_oldest_first_with_their_age(client, boss, shop):
    anna = manager(first_name="Anna", last_name="Smirnova")
    order = make_order(shop, manager=anna, customer_name="Olga Novikova")
    recent = missed_call(order, at=NOW - timedelta(minutes=14))
    older = missed_call(order, at=NOW - timedelta(minutes=16))
    oldest = missed_call(order, at=NOW - timedelta(hours=2, minutes=5))
    html = panel(client)
    assert ids(html) == [oldest.pk, older.pk]
    assert recent.pk not in ids(html)
    assert "2\xa0hours, 5\xa0minutes" in html and "16\xa0minutes" in html
    assert f'href="{reverse("orders:customer", args=[order.customer_id])}"' in html
    assert f'href="{reverse("orders:detail", args=[order.pk])}"' in html
    assert "Olga Novikova" in html and "Anna Smirnova" in html


def test_the_shops_own_call_back_time_counts(client, boss, shop):
    ShopVoice.objects.create(shop=shop, callback_within=timedelta(minutes=30))
    order = make_order(shop, manager=manager())
    within = missed_call(order, at=NOW - timedelta(minutes=20))
    late = missed_call(order, at=NOW - timedelta(minutes=31))
    assert ids(panel(client)) == [late.pk]
    assert within.pk not in ids(panel(client))


def test_a_called_back_call_leaves_the_panel(client, boss, shop):
    order = make_order(shop, manager=manager())
    missed_call(order, at=NOW - timedelta(hours=1))
    assert len(ids(panel(client))) == 1
    phone_calls_called_back(customer=order.customer, at=NOW - timedelta(minutes=10))
    html = panel(client)
    assert ids(html) == []
    assert "Every missed call has been called back in time." in html


def test_another_shops_missed_calls_are_not_this_supervisors(client, boss):
    missed_call(make_order(ShopFactory(), manager=manager()), at=NOW - timedelta(hours=1))
    assert ids(panel(client)) == []


def test_the_panel_costs_the_same_with_one_and_forty_missed_calls_in_two_shops(client, boss, shop):
    anna, other = manager(), ShopFactory()
    grant(boss, shops=[shop, other])
    missed_call(make_order(shop, manager=anna), at=NOW - timedelta(hours=1))

    def queries() -> int:
        with time_machine.travel(NOW, tick=False):
            client.get(reverse("dashboard:dashboard"))
            with CaptureQueriesContext(connection) as ctx:
                client.get(reverse("dashboard:dashboard"))
        return len(ctx)

    few = queries()
    for n in range(39):
        missed_call(make_order(shop if n % 2 else other, manager=anna), at=NOW - timedelta(minutes=20 + n))
    assert queries() == few
    html = panel(client)
    assert len(ids(html)) == 20
    assert 'data-testid="missed-calls-count">40<' in html
