""" "Why assigned" names people as the desk does (full name, else username) and its headline states the rule that
actually decided between the candidates, not the name of the rule that was tried."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment.models import Presence, RoutingSettings
from assignment.services import presence_set, queue_serve
from assignment.tasks import serve_queue
from orders.models import OrderEvent
from tests.factories import ShopFactory, free_manager, make_order, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory()


def headline(order) -> str:
    return order.events.filter(kind__in=[OrderEvent.Kind.ASSIGNMENT, OrderEvent.Kind.MANAGER]).latest("pk").text


def test_the_only_candidate_is_said_to_be_the_only_one_not_the_one_with_fewest_orders(shop):
    only = free_manager(username="only", first_name="Olga", last_name="Only")
    presence_set(user=free_manager(username="away"), presence=Presence.LUNCH)
    order = make_order(shop)
    assert order.manager == only
    assert headline(order) == "Assigned to Olga Only: The only free manager with room for it"


def test_fewest_open_orders_is_said_only_when_it_decided(shop):
    busy = free_manager(username="busy", first_name="Boris", last_name="Busy")
    free_manager(username="light", first_name="Lena", last_name="Light")
    make_order(shop, manager=busy)
    assert headline(make_order(shop)) == "Assigned to Lena Light: Even load → fewest open orders"


def test_a_tie_on_open_orders_is_decided_by_who_waited_longest(shop):
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        free_manager(username="early", first_name="Eva", last_name="Early")
    free_manager(username="late")
    text = headline(make_order(shop))
    assert text == "Assigned to Eva Early: Even load, a tie on open orders → waiting longest for an order"


@pytest.mark.parametrize(
    "junior_experience, expected",
    [
        (1, "Assigned to Sam Senior: VIP → most experienced free manager"),
        (9, "Assigned to Sam Senior: VIP, equally experienced free managers → fewest open orders"),
    ],
    ids=["more experienced", "as experienced, fewer orders"],
)
def test_a_vip_order_says_whether_experience_or_load_decided(shop, junior_experience, expected):
    senior = free_manager(username="senior", first_name="Sam", last_name="Senior", experience=9)
    junior = free_manager(username="junior", experience=junior_experience)
    make_order(shop, manager=junior)  # Sam has fewer open orders
    order = make_order(shop, vip=True)
    assert order.manager == senior and headline(order) == expected


def test_a_vip_with_one_free_manager_is_not_said_to_have_found_the_most_experienced(shop):
    free_manager(username="only", first_name="Olga", last_name="Only")
    assert headline(make_order(shop, vip=True)) == (
        "Assigned to Olga Only: The only free manager with room for it (a VIP customer)"
    )


def test_a_repeat_customer_whose_manager_is_away_says_so(shop):
    own = free_manager(username="own", first_name="Oleg", last_name="Own")
    make_order(shop, phone="+79160000077")
    presence_set(user=own, presence=Presence.LUNCH)
    free_manager(username="one", first_name="Ira", last_name="One")
    free_manager(username="two", first_name="Tom", last_name="Two")
    again = make_order(shop, phone="+79160000077")  # waits for Oleg
    with time_machine.travel(timezone.now() + RoutingSettings.load().sticky_wait + timedelta(seconds=1)):
        assert queue_serve() == 1
    text = headline(again)
    assert text.endswith("; their own manager Oleg Own is on lunch") and "Even load" in text


def test_the_panel_names_everyone_by_name_never_by_username(client, shop):
    free_manager(username="manager1", first_name="Anna", last_name="Petrova")
    free_manager(username="manager2", first_name="Boris", last_name="Ivanov")
    presence_set(user=free_manager(username="manager3", first_name="Vera", last_name="Lunch"), presence="lunch")
    order = make_order(shop)
    client.force_login(supervisor())
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    panel = html.split('data-testid="why-assigned"')[1].split("</ul>\n</div>")[0]
    assert "Anna Petrova: 0/10 open" in panel and "Boris Ivanov: 0/10 open" in panel
    assert "Vera Lunch: on lunch" in panel and "manager" not in panel.lower().replace("free manager", "")


def test_two_managers_with_one_name_are_told_apart_by_username(shop):
    free_manager(username="anna.p", first_name="Anna", last_name="Petrova")
    free_manager(username="anna.p2", first_name="Anna", last_name="Petrova")
    decision = make_order(shop).assignment_decisions.get()
    assert sorted(c["manager"] for c in decision.candidates) == ["Anna Petrova (anna.p)", "Anna Petrova (anna.p2)"]


def test_an_order_passed_on_after_a_timeout_names_the_cooling_off_not_the_only_free_manager(shop):
    """Anna let the order time out; she is still free with room, so Boris was not the only one: the cooling-off
    (others first) decided."""
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova")
    order = make_order(shop)
    assert order.manager == anna
    free_manager(username="boris", first_name="Boris", last_name="Ivanov")
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1), tick=False):
        assert serve_queue()["timed_out"] == 1
    assert headline(order) == (
        "Assigned to Boris Ivanov: Cooling-off → the only free manager with room for it besides Anna Smirnova, "
        "who let it time out (others first)"
    )
