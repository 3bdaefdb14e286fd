import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_create, notifications_create_many
from tests.factories import manager

pytestmark = pytest.mark.django_db


def test_bell_shows_the_unread_count(client):
    user = manager()
    for n in range(3):
        notification_create(recipient=user, kind=Notification.Kind.INFO, text=f"Hello {n}")
    notification_create(recipient=manager(), kind=Notification.Kind.INFO, text="Someone else's")
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">3<' in html
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
    assert 'data-testid="unread-count"' not in client.get(reverse("notifications:list")).content.decode()


def test_many_notifications_for_the_same_person_and_text_are_sent_once():
    user = manager()
    created = notifications_create_many(
        kind=Notification.Kind.INFO, messages=[(user.pk, "same", "/x/"), (user.pk, "same", "/x/")]
    )
    assert created == 1
    assert Notification.objects.filter(recipient=user).count() == 1
