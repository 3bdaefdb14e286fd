"""A supervisor signs in for the first time, enrols an authenticator app from the QR page (the test computes the
app's code from the key shown), keeps the backup codes, reaches the dashboard; at the next sign-in the code is
asked again and opens the desk."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.factories import PASSWORD, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, *, later: int = 0) -> str:
    """What an authenticator app shows for this key."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_supervisor_enrols_an_authenticator_and_signs_in_with_its_code(live_server, page, settings, tmp_path):
    settings.TWO_FACTOR = True
    supervisor(username="boss", first_name="Svetlana")
    sign_in(page, live_server)
    page.wait_for_selector("[data-testid=enrol]")
    assert page.locator(".qr svg").count() == 1
    page.screenshot(path=tmp_path / "enrol.png", full_page=True)
    secret = page.locator("[data-testid=secret]").inner_text()
    page.fill("input[name=code]", app_code(secret))
    page.click("button:has-text('Confirm')")
    page.wait_for_selector("[data-testid=backup-codes]")
    assert page.locator("[data-testid=backup-code]").count() == 10
    page.click("text=I have kept them")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("h1").first.inner_text() == "Dashboard"

    page.context.clear_cookies()
    sign_in(page, live_server)
    page.wait_for_selector("[data-testid=verify]")
    page.goto(f"{live_server.url}/dashboard/")  # nothing opens before the code
    assert page.locator("[data-testid=verify]").count() == 1
    page.fill("input[name=code]", app_code(secret, later=30))  # the next step: a code is never taken twice
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.locator("h1").first.inner_text() == "Dashboard"
