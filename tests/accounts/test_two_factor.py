"""Two-factor sign-in: a supervisor (and a superuser) reaches no page until enrolled and verified; a manager may
go without it, and once enrolled is asked too; a wrong code is refused; a backup code works once; an admin
resetting a lost device makes the person enrol again; TWO_FACTOR=0 turns it all off."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory, manager, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR = True


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def sign_in(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")


def enrol(client) -> list[str]:
    """Open the enrolment page, type the app's code; the backup codes shown."""
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:enrol"), {"code": code_for(device), "next": "/dashboard/"})
    assert response.status_code == 200, response.content.decode()[:300]
    return [
        line.split(">")[1].split("<")[0]
        for line in response.content.decode().split('data-testid="backup-code"')[1:]
    ]


@pytest.mark.parametrize("who", ["supervisor", "superuser"])
@pytest.mark.parametrize("page", ["/dashboard/", "/orders/", "/admin/", "/notifications/", "/feedback/claims/"])
def test_a_supervisor_or_superuser_reaches_no_page_before_enrolling(client, who, page):
    user = (
        supervisor(username="boss")
        if who == "supervisor"
        else UserFactory(username="boss", is_staff=True, is_superuser=True)
    )
    assert user
    sign_in(client, "boss")
    response = client.get(page)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:enrol"))


def test_enrolling_shows_a_qr_code_and_the_key_and_opens_the_desk(client):
    supervisor(username="boss")
    sign_in(client, "boss")
    html = client.get(reverse("accounts:enrol")).content.decode()
    assert "<svg" in html and 'data-testid="secret"' in html
    codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_code_is_refused_and_nothing_opens(client):
    supervisor(username="boss")
    sign_in(client, "boss")
    client.get(reverse("accounts:enrol"))
    response = client.post(reverse("accounts:enrol"), {"code": "000000"})
    assert response.status_code == 400 and "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/dashboard/").status_code == 302


def test_at_the_next_sign_in_the_code_is_asked_and_a_backup_code_works_once(client):
    supervisor(username="boss")
    sign_in(client, "boss")
    codes = enrol(client)
    client.post("/logout/")
    sign_in(client, "boss")
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:verify"))
    assert client.post(reverse("accounts:verify"), {"code": codes[0], "next": "/dashboard/"}).url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    client.post("/logout/")
    sign_in(client, "boss")
    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 400  # used up
    assert client.get("/dashboard/").status_code == 302
    assert StaticToken.objects.count() == 9


def test_the_apps_code_signs_in(client):
    supervisor(username="boss")
    sign_in(client, "boss")
    enrol(client)
    client.post("/logout/")
    sign_in(client, "boss")
    device = TOTPDevice.objects.get(confirmed=True)
    response = client.post(reverse("accounts:verify"), {"code": code_for(device, later=30), "next": "/orders/"})
    assert response.status_code == 302 and response.url == "/orders/"


def test_a_manager_may_go_without_it_and_once_enrolled_is_asked_too(client):
    manager(username="anna")
    sign_in(client, "anna")
    assert client.get("/orders/").status_code == 200
    html = client.get(reverse("accounts:settings")).content.decode()
    assert "Set it up" in html
    enrol(client)
    client.post("/logout/")
    sign_in(client, "anna")
    assert client.get("/orders/").status_code == 302


def test_an_admin_resetting_a_lost_device_makes_the_person_enrol_again(client, django_user_model):
    from django.test import Client

    supervisor(username="boss")
    sign_in(client, "boss")
    enrol(client)
    client.post("/logout/")
    device = TOTPDevice.objects.get(user__username="boss")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    sign_in(admin, "root")
    enrol(admin)  # the admin signs in with their own second factor
    response = admin.post(
        reverse("admin:auth_user_changelist"), {"action": "reset_two_factor", "_selected_action": [device.user_id]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user__username="boss").exists()
    sign_in(client, "boss")
    assert client.get("/dashboard/").url.startswith(reverse("accounts:enrol"))


def test_a_next_address_off_the_desk_is_not_followed(client):
    supervisor(username="boss")
    sign_in(client, "boss")
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(
        reverse("accounts:enrol"), {"code": code_for(device), "next": "https://evil.example.com/"}
    )
    assert 'href="/"' in response.content.decode()


def test_turned_off_nobody_is_asked(client, settings):
    settings.TWO_FACTOR = False
    supervisor(username="boss")
    sign_in(client, "boss")
    assert client.get("/dashboard/").status_code == 200


def test_a_manager_without_a_device_costs_no_device_query_per_page(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager(username="anna")
    sign_in(client, "anna")
    client.get("/orders/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/orders/")
    assert not [query for query in ctx.captured_queries if "otp_" in query["sql"]]


@pytest.mark.parametrize("page", ["accounts:enrol", "accounts:verify"])
def test_a_refused_code_says_why_under_its_box_drawn_by_crispy_and_keeps_what_was_typed(client, page):
    supervisor(username="boss")
    sign_in(client, "boss")
    if page == "accounts:verify":  # enrolled, then signed in again: the code is asked
        enrol(client)
        client.logout()
        sign_in(client, "boss")
    html = client.post(reverse(page), {"code": "000 000"}).content.decode()
    box = html[html.index('id="div_id_code"') :]
    box = box[: box.index("</form>")]
    assert 'value="000 000"' in box and "is-invalid" in box and "form-control-lg" in box
    assert "That code is not right" in box[box.index('name="code"') :]
