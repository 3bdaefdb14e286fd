"""The calls block on the order and customer pages: each call in or out with its time on the page's clock, who,
talk time and outcome; a missed call with the managers it rang ("Missed call 14:05 (rang Anna 20 s, …)") and its
call back; players for the people who may listen, a note for the others; a fixed number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.services import customer_set_responsible
from tests.calls.phone_rows import missed_call, recording_sid, talked_call
from tests.factories import ShopFactory, grant, make_order, manager, msk, supervisor

pytestmark = pytest.mark.django_db
NOON = msk(2026, 12, 7, 14, 5)


@pytest.fixture
def team():
    shop = ShopFactory(name="Green Garden", always_open=True)
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    boris = manager(username="boris", first_name="Boris", last_name="Petrov")
    for person in (anna, boris):
        grant(person, shops=[shop])
    return shop, anna, boris


def block(html: str) -> str:
    start = html.index('data-testid="phone-calls"')
    return html[start : html.index("</ul></div>", start)]


def test_a_missed_call_says_whom_it_rang_and_how_long_on_the_pages_clock(client, team, settings):
    shop, anna, boris = team
    order = make_order(shop, manager=anna)
    settings.TIME_ZONE = "Asia/Yekaterinburg"  # the page's clock, two hours ahead of Moscow
    missed_call(order, at=NOON, rang=[anna, boris], voicemail_sid=recording_sid(), voicemail_duration=35)
    client.force_login(anna)
    with time_machine.travel(NOON + timedelta(minutes=3), tick=False):
        html = block(client.get(reverse("orders:detail", args=[order.pk])).content.decode())
    assert "Missed call 16:04 (rang Anna Smirnova 20 s, Boris Petrov 20 s)" in html  # it rang 45 s before
    assert "not called back yet: Anna Smirnova calls back, due 7 Dec, 16:05" in html
    assert "Voicemail · 35 s" in html


def test_a_missed_call_that_rang_nobody_says_why_and_a_called_back_one_says_when(client, team):
    shop, anna, _ = team
    order = make_order(shop, manager=anna)
    missed_call(order, at=NOON, missed="off_hours", called_back_at=NOON + timedelta(minutes=12))
    client.force_login(anna)
    html = block(client.get(reverse("orders:detail", args=[order.pk])).content.decode())
    assert "Missed call 14:04 (outside working hours)" in html
    assert "called back 7 Dec, 14:17" in html


def test_a_talk_says_direction_who_how_long_and_what_came_of_it(client, team):
    shop, anna, _ = team
    order = make_order(shop, manager=anna)
    talked_call(order, manager=anna, seconds=125, at=NOON)
    client.force_login(anna)
    html = block(client.get(reverse("orders:customer", args=[order.customer_id])).content.decode())
    assert "Outgoing" in html and "Anna Smirnova" in html
    assert "2:05" in html and "Reached" in html
    assert "7 Dec, 14:02" in html  # started 2:15 before it ended at 14:05
    assert reverse("orders:detail", args=[order.pk]) in html  # the customer page links the call's order


def test_players_for_those_who_may_listen_and_a_note_for_a_colleague_who_may_not(client, team):
    shop, anna, boris = team
    order = make_order(shop, manager=anna)
    talked_call(order, manager=anna, recording_sid=recording_sid(), recording_duration=125)
    boss = supervisor()
    grant(boss, shops=[shop])
    for person, plays in ((anna, True), (boss, True), (boris, False)):
        client.force_login(person)
        html = block(client.get(reverse("orders:customer", args=[order.customer_id])).content.decode())
        assert ("<audio" in html) is plays, person
        assert ('data-testid="not-audible"' in html) is not plays, person
    customer_set_responsible(customer=order.customer, manager=boris, by=None)
    client.force_login(boris)
    assert "<audio" in block(client.get(reverse("orders:customer", args=[order.customer_id])).content.decode())


def test_no_calls_yet(client, team):
    shop, anna, _ = team
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    assert "No phone calls yet." in block(client.get(reverse("orders:detail", args=[order.pk])).content.decode())


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("reader", ["manager", "supervisor"])
def test_the_pages_cost_the_same_with_one_call_and_thirty_calls_with_their_legs(client, team, reader):
    shop, anna, boris = team
    order = make_order(shop, manager=anna)
    missed_call(order, rang=[anna])
    person = anna if reader == "manager" else supervisor()
    grant(person, shops=[shop])
    client.force_login(person)
    pages = [reverse("orders:detail", args=[order.pk]), reverse("orders:customer", args=[order.customer_id])]
    few = [queries(client, url) for url in pages]
    for n in range(15):
        missed_call(order, rang=[anna, boris], assignee=boris, voicemail_sid=recording_sid())
        talked_call(order, manager=boris if n % 2 else anna, recording_sid=recording_sid())
    assert [queries(client, url) for url in pages] == few
    html = client.get(pages[0]).content.decode()
    assert html.count('data-testid="phone-call"') == 20  # the latest 20 of 31
    assert "the latest 20" in html


def test_a_russian_reader_reads_the_missed_call_and_its_call_back_in_russian(client, team, speaking):
    shop, anna, boris = team
    order = make_order(shop, manager=anna)
    missed_call(order, at=NOON, rang=[anna, boris], voicemail_sid=recording_sid(), voicemail_duration=35)
    client.force_login(anna)
    with speaking("ru"):
        html = block(client.get(reverse("orders:detail", args=[order.pk])).content.decode())
    assert "Пропущенный звонок 14:04 (звонок поступал: Anna Smirnova 20 с, Boris Petrov 20 с)" in html
    assert "ещё не перезвонили: перезвонит Anna Smirnova" in html
    assert "Голосовое сообщение · 35 с" in html
