import pytest
from django.urls import reverse

from assignment.models import ManagerProfile, Presence, PresenceChange
from assignment.services import presence_set
from tests.factories import PASSWORD, manager, supervisor

pytestmark = pytest.mark.django_db


def test_a_manager_starts_offline_and_switches_presence_with_history():
    user = manager()
    presence_set(user=user, presence=Presence.FREE)
    presence_set(user=user, presence=Presence.LUNCH, reason="noon")
    presence_set(user=user, presence=Presence.LUNCH)  # same value: nothing new
    profile = ManagerProfile.objects.get(user=user)
    assert profile.presence == Presence.LUNCH
    history = list(PresenceChange.objects.filter(profile=profile).values_list("previous", "presence", "reason"))
    assert history == [("free", "lunch", "noon"), ("offline", "free", "")]


def test_an_unknown_presence_is_refused_and_nothing_changes():
    user = manager()
    with pytest.raises(ValueError, match="Unknown presence"):
        presence_set(user=user, presence="asleep")
    assert not PresenceChange.objects.exists()


def test_the_navbar_switch_sets_presence_and_comes_back(client):
    user = manager()
    client.force_login(user)
    html = client.get(reverse("orders:list")).content.decode()
    assert 'data-testid="presence-current">Offline<' in html
    response = client.post(reverse("assignment:presence"), {"presence": "free", "next": "/orders/?scope=all"})
    assert response.status_code == 302 and response.url == "/orders/?scope=all"
    html = client.get(reverse("orders:list")).content.decode()
    assert 'data-testid="presence-current">Free<' in html


def test_a_bad_presence_posted_by_hand_gets_an_error(client):
    user = manager()
    client.force_login(user)
    response = client.post(reverse("assignment:presence"), {"presence": "asleep"}, follow=True)
    assert "Choose Free, Busy, Lunch, Break or Offline." in response.content.decode()
    assert not PresenceChange.objects.exists()


def test_a_redirect_to_another_site_is_not_followed(client):
    client.force_login(manager())
    response = client.post(reverse("assignment:presence"), {"presence": "busy", "next": "https://evil.example/"})
    assert response.url == reverse("orders:list")


def test_only_managers_have_a_presence(client):
    client.force_login(supervisor())
    assert client.post(reverse("assignment:presence"), {"presence": "free"}).status_code == 403
    assert 'data-testid="presence"' not in client.get(reverse("orders:list")).content.decode()


def test_logging_out_sets_the_manager_offline(client):
    user = manager()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("assignment:presence"), {"presence": "free"})
    client.post(reverse("logout"))
    assert ManagerProfile.objects.get(user=user).presence == Presence.OFFLINE
    assert PresenceChange.objects.filter(profile__user=user, reason="logged out").exists()
