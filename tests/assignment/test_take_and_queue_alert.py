"""A manager takes a waiting order themselves ("Take it"), through routing's locks; supervisors hear of orders
that have waited too long with nobody able to take them."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment.exceptions import AssignmentRefused
from assignment.models import AssignmentDecision, Presence, RoutingSettings
from assignment.services import order_take, presence_set
from assignment.tasks import serve_queue
from notifications.models import Notification
from orders.clock import desk_time
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order, msk, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(always_open=True)


@pytest.fixture
def anna(shop):
    """A manager of the shop who is on lunch, so new orders wait in the queue."""
    user = free_manager(username="anna", first_name="Anna", last_name="S", quota=2, shops=[shop])
    presence_set(user=user, presence=Presence.LUNCH)
    return user


def test_a_manager_takes_a_waiting_order_from_my_orders(client, shop, anna):
    order = make_order(shop)
    assert order.manager is None
    client.force_login(anna)
    page = client.get(reverse("orders:list")).content.decode()
    assert 'data-testid="waiting-queue"' in page and order.number in page
    response = client.post(reverse("assignment:take", args=[order.pk]))
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.pk])
    order.refresh_from_db()
    assert order.manager == anna
    decision = order.assignment_decisions.get()
    assert decision.rule == AssignmentDecision.Rule.TAKEN and decision.accepted_at is not None
    assert decision.accept_by is None  # taking it is taking it up: no acceptance clock
    assert order.events.latest("pk").text == "Assigned to Anna S: Anna S took it from the queue"


def test_a_manager_at_quota_cannot_take_another_and_is_told_why(client, shop, anna):
    held = [make_order(shop, manager=anna) for _ in range(2)]
    waiting = make_order(shop)
    client.force_login(anna)
    response = client.post(reverse("assignment:take", args=[waiting.pk]), follow=True)
    assert "You are at quota (2/2): close or hand over an order first." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.manager is None and len(held) == 2


def test_an_order_taken_meanwhile_is_not_taken_twice(shop, anna):
    order = make_order(shop)
    boris = free_manager(username="boris", shops=[shop])
    order.refresh_from_db()
    assert order.manager is None  # Boris was created after intake; the queue was not served
    order_take(order_id=order.pk, user=boris)
    with pytest.raises(AssignmentRefused, match="no longer waiting"):
        order_take(order_id=order.pk, user=anna)
    order.refresh_from_db()
    assert order.manager == boris


def test_a_manager_cannot_take_an_order_of_a_shop_they_are_not_granted(client, shop, anna):
    other_shop_order = make_order(ShopFactory(always_open=True))
    client.force_login(anna)
    assert client.post(reverse("assignment:take", args=[other_shop_order.pk])).status_code == 404
    with pytest.raises(AssignmentRefused, match="not granted shop"):
        order_take(order_id=other_shop_order.pk, user=anna)
    other_shop_order.refresh_from_db()
    assert other_shop_order.manager is None


@pytest.mark.parametrize("make_user", [supervisor, inspector], ids=["supervisor", "inspector"])
def test_only_managers_take_orders_from_the_queue(client, shop, anna, make_user):
    order = make_order(shop)
    client.force_login(make_user())
    assert client.post(reverse("assignment:take", args=[order.pk])).status_code == 403
    order.refresh_from_db()
    assert order.manager is None


def test_supervisors_hear_once_of_an_order_nobody_could_take_for_ten_minutes(shop, anna):
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    order = make_order(shop)
    alert_after = RoutingSettings.load().queue_alert_after
    with time_machine.travel(order.created_at + alert_after - timedelta(seconds=30), tick=False):
        assert serve_queue()["reported"] == 0
    with time_machine.travel(order.created_at + alert_after + timedelta(seconds=30), tick=False):
        assert serve_queue()["reported"] == 1
        assert serve_queue()["reported"] == 0  # once per order
    alert = Notification.objects.get(recipient=boss, kind=Notification.Kind.ESCALATION)
    assert alert.text == (
        f"Order {order.number} has waited 10 min in the queue: no manager can take it (Anna S: on lunch)."
    )


def test_an_order_a_manager_took_in_time_is_never_reported(shop, anna):
    boss = supervisor(username="boss")
    order = make_order(shop)
    order_take(order_id=order.pk, user=anna)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert serve_queue()["reported"] == 0
    assert not Notification.objects.filter(recipient=boss).exists()


def test_a_waiting_order_says_when_it_came_in_not_zero_minutes(client, shop, anna):
    came_in = msk(2026, 11, 23, 14, 59)
    with time_machine.travel(came_in, tick=False):
        order = make_order(shop)
    client.force_login(anna)
    with time_machine.travel(came_in + timedelta(seconds=20), tick=False):
        page = client.get(reverse("orders:list")).content.decode()
    assert order.number in page
    assert f"came in {desk_time(order.created_at)}" in page
    assert "0 minutes" not in page
