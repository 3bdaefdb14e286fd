"""Login throttling (django-axes): a username and address pair is locked out after the limit, for the cool-off
time, on the staff login and the admin login; another pair is not; the right password during the lockout does
not get in; the lockout is a clear page; attempts are rows admins can read."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory, manager

pytestmark = pytest.mark.django_db
LIMIT = 5  # settings.AXES_FAILURE_LIMIT


def log_in(client, username, password, address="10.0.0.1", url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def anna():
    return manager(username="anna")


def guess(client, username="anna", address="10.0.0.1", times=LIMIT, url="/login/"):
    for n in range(times):
        response = log_in(client, username, f"wrong-{n}", address, url=url)
    return response


def test_after_the_limit_the_pair_is_locked_out_and_the_right_password_does_not_get_in(client, anna):
    guess(client, times=LIMIT - 1)
    response = log_in(client, "anna", "wrong-again")
    assert response.status_code == 429
    response = log_in(client, "anna", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429 and "Too many attempts" in html and "15 min" in html
    assert not logged_in(client)
    assert "password" not in html.split("Too many attempts")[1].lower().split("back to")[0]  # no hint which part


def test_below_the_limit_the_right_password_still_works(client, anna):
    guess(client, times=LIMIT - 1)
    response = log_in(client, "anna", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_another_address_or_another_username_is_not_locked_out(client, anna):
    UserFactory(username="boris")
    guess(client)
    assert log_in(client, "anna", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert log_in(client, "boris", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off_time(client, anna):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess(client)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert log_in(client, "anna", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert log_in(client, "anna", PASSWORD).status_code == 302 and logged_in(client)


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    guess(client, username="root", url="/admin/login/")
    response = log_in(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429 and not logged_in(client)


def test_failures_are_rows_an_admin_reads_and_survive_a_restart(client, anna, admin_client):
    guess(client, times=2)
    attempt = AccessAttempt.objects.get(username="anna", ip_address="10.0.0.1")
    assert attempt.failures_since_start == 2  # in the database, not in a process's memory
    assert admin_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_behind_the_proxy_the_address_the_proxy_saw_counts(client, anna, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for n in range(LIMIT):  # the attacker varies the address they claim; the proxy appends the real one
        client.post(
            "/login/", {"username": "anna", "password": f"x{n}"}, REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )  # fmt: skip
    response = client.post(
        "/login/",
        {"username": "anna", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 429
