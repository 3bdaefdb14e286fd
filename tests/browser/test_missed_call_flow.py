"""A missed call, as the calls app leaves it (the call with the legs that rang and a call-back task), is a due call
on the manager's Next with the calls block saying whom it rang and playing the voicemail; 25 minutes on it waits on
the supervisor's dashboard with its age; the manager's call back takes it off."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from tests.calls.phone_rows import missed_call, recording_sid, talked_call
from tests.factories import PASSWORD, ShopFactory, grant, make_order, manager, msk, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MISSED = msk(2026, 12, 7, 14, 5)
SHOTS = Path("/work/wt/notes/shots")


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def shot(locator, tmp_path, name):
    path = tmp_path / name
    locator.screenshot(path=path)
    if SHOTS.is_dir():  # the review's copy
        shutil.copy(path, SHOTS / name)


def test_a_missed_call_is_the_managers_due_call_and_waits_on_the_dashboard_until_called_back(
    live_server, browser, twilio, tmp_path
):
    shop = ShopFactory(name="Green Garden", always_open=True)
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    boris = manager(username="boris", first_name="Boris", last_name="Petrov")
    boss = supervisor(username="sveta", first_name="Sveta", last_name="Lebedeva")
    for person in (anna, boris, boss):
        grant(person, shops=[shop])
    with time_machine.travel(MISSED - timedelta(days=1), tick=False):
        order = make_order(shop, manager=anna, customer_name="Olga Novikova", phone="+79161234502")
        talked_call(order, manager=anna, recording_sid=recording_sid(), recording_duration=125)
    missed_call(order, at=MISSED, rang=[anna, boris], voicemail_sid=recording_sid(), voicemail_duration=35)

    with time_machine.travel(MISSED + timedelta(minutes=1), tick=True) as clock:
        manager_page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        sign_in(manager_page, live_server, "anna")
        manager_page.click("[data-testid=next]")
        manager_page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
        assert "Call due: Call back: missed call" in manager_page.locator(".alert").first.inner_text()
        calls = manager_page.locator("[data-testid=phone-calls]")
        assert "Missed call 14:04 (rang Anna Smirnova 20 s, Boris Petrov 20 s)" in calls.inner_text()
        assert "not called back yet: Anna Smirnova calls back" in calls.inner_text()
        voicemail = calls.locator("[data-testid=voicemail] audio")
        # The player reads the audio through the desk: its length comes from the bytes the fake Twilio served.
        voicemail.evaluate("audio => { audio.preload = 'auto'; audio.load(); }")  # as a click on play would
        manager_page.wait_for_function(
            "audio => audio.readyState >= 1 && audio.duration > 1", arg=voicemail.element_handle()
        )
        assert (
            voicemail.get_attribute("src")
            == f"/calls/{order.phone_calls.get(missed_at__isnull=False).pk}/voicemail/"
        )
        shot(calls, tmp_path, "record-order-calls.png")

        clock.move_to(MISSED + timedelta(minutes=25))
        boss_page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        sign_in(boss_page, live_server, "sveta")
        boss_page.goto(f"{live_server.url}/dashboard/")
        panel = boss_page.locator("[data-testid=missed-calls-panel]")
        row = panel.locator("[data-testid=missed-call-row]")
        assert row.count() == 1
        assert "Olga Novikova" in row.inner_text() and "Anna Smirnova" in row.inner_text()
        assert row.locator("[data-testid=missed-call-age]").inner_text().strip() == "25\xa0minutes"
        shot(panel, tmp_path, "record-dashboard-missed-calls.png")

        manager_page.click("[data-testid=call-form] button:has-text('Reached')")
        manager_page.wait_for_load_state()
        assert "called back" in manager_page.locator("[data-testid=call-back]").inner_text()
        boss_page.reload()
        assert panel.locator("[data-testid=missed-call-row]").count() == 0
        assert "Every missed call has been called back in time." in panel.inner_text()
