from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_create, notifications_create_many
from orders.services import order_set_manager
from tests.factories import ShopFactory, free_manager, make_order, manager, supervisor

pytestmark = pytest.mark.django_db


def test_bell_shows_the_unread_count(client):
    user = manager()
    for n in range(3):
        notification_create(recipient=user, kind=Notification.Kind.INFO, text=f"Hello {n}")
    notification_create(recipient=manager(), kind=Notification.Kind.INFO, text="Someone else's")
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert (
        'data-testid="unread-count">3<' in html
        and "d-none" not in html.split('data-testid="unread-count"')[0][-60:]
    )
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    user = manager()
    notification = notification_create(
        recipient=user, kind=Notification.Kind.OVERDUE, text="Late", link="/orders/"
    )
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/orders/"
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_one_notification_lowers_the_count_by_one(client):
    user = manager()
    first, *_ = [notification_create(recipient=user, kind=Notification.Kind.INFO, text=f"n{n}") for n in range(3)]
    client.force_login(user)
    client.post(reverse("notifications:open", args=[first.pk]))
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 2}
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">2<' in html


def test_marking_all_read_leaves_a_colleagues_bell_alone(client):
    user, colleague = manager(), manager()
    notifications_create_many(
        kind=Notification.Kind.INFO, messages=[(user.pk, "mine", ""), (colleague.pk, "theirs", "")]
    )
    client.force_login(user)
    client.post(reverse("notifications:read_all"))
    client.force_login(colleague)
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 1}


def test_a_notification_link_to_another_site_is_not_followed(client):
    user = manager()
    notification = notification_create(
        recipient=user, kind=Notification.Kind.INFO, text="x", link="https://evil.example/"
    )
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.url == reverse("notifications:list")


def test_nobody_can_open_someone_elses_notification(client):
    other = notification_create(recipient=manager(), kind=Notification.Kind.INFO, text="private")
    client.force_login(manager())
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert not other.is_read


def test_mark_all_read_clears_the_bell(client):
    user = manager()
    notifications_create_many(kind=Notification.Kind.INFO, messages=[(user.pk, "a", ""), (user.pk, "b", "")])
    client.force_login(user)
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'badge rounded-pill bg-danger d-none" data-testid="unread-count">0<' in html  # hidden until polled up
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}


def test_the_bell_count_is_polled_as_json(client):
    user = manager()
    notifications_create_many(kind=Notification.Kind.INFO, messages=[(user.pk, "a", ""), (user.pk, "b", "")])
    notification_create(recipient=manager(), kind=Notification.Kind.INFO, text="Someone else's")
    client.force_login(user)
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 2}
    client.logout()
    assert client.get(reverse("notifications:unread_count")).status_code == 302  # to the login page


def test_a_manager_is_told_when_routing_gives_them_an_order_and_by_when_to_take_it_up(client):
    anna = free_manager(username="anna")
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        order = make_order(ShopFactory())
    note = Notification.objects.get(recipient=anna, kind=Notification.Kind.ASSIGNED)
    deadline = timezone.localtime(start + timedelta(minutes=5))
    assert (
        note.text == f"Order {order.number} is yours: The only free manager with room for it. "
        f"Take it up by {deadline:%H:%M}."
    )
    assert note.link == reverse("orders:detail", args=[order.pk])


def test_a_manager_is_told_who_handed_them_an_order(client):
    boss = supervisor(first_name="Svetlana", last_name="Orlova")
    boris = manager(username="boris")
    order = make_order(ShopFactory())
    order_set_manager(order=order, manager=boris, by=boss, reason="knows the customer")
    note = Notification.objects.get(recipient=boris, kind=Notification.Kind.ASSIGNED)
    assert note.text == f"Svetlana Orlova handed you order {order.number}: knows the customer."
    order_set_manager(order=order, manager=boss, by=boss)
    assert not Notification.objects.filter(
        recipient=boss, kind=Notification.Kind.ASSIGNED
    ).exists()  # not to oneself


def test_many_notifications_for_the_same_person_and_text_are_sent_once():
    user = manager()
    created = notifications_create_many(
        kind=Notification.Kind.INFO, messages=[(user.pk, "same", "/x/"), (user.pk, "same", "/x/")]
    )
    assert created == 1
    assert Notification.objects.filter(recipient=user).count() == 1
