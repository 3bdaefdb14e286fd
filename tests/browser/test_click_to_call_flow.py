"""A manager clicks "Call via the desk": Twilio (the fake, over HTTP) rings them, dials the customer and tells the
desk how it went; the order's history says so without anyone typing it. In the customer's night the button asks
first. Screenshots go to $SHOTS_DIR when set (else the test's temporary folder)."""

import os
import time
from pathlib import Path

import pytest
import time_machine

from assignment.models import ManagerProfile
from orders.models import PhoneCall, ShopAddress
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, free_manager, make_order, msk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, tmp_path, name):
    page.screenshot(path=Path(os.environ.get("SHOTS_DIR", tmp_path)) / f"dial-{name}.png", full_page=True)


def _history_says(page, text: str, seconds: float = 10.0) -> str:
    """Reload the order page until its history says `text` (Twilio's callbacks arrive over a few tenths of a
    second); read through the live server, not beside it (SQLite locks a table another thread writes)."""
    deadline = time.monotonic() + seconds
    while True:
        page.reload()
        body = page.locator("body").inner_text()
        if text in body or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_click_to_call_records_its_own_outcome_and_asks_first_in_the_customers_night(
    live_server, page, tmp_path, twilio, settings
):
    settings.SITE_URL = live_server.url
    twilio.callbacks, twilio.callback_delay = True, 0.05
    twilio.call_outcomes = [("completed", 75), ("busy", 0)]
    with time_machine.travel(msk(2026, 12, 7, 14, 0), tick=True):
        shop = ShopFactory(name="Green Garden")
        ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address="+74950000001")
        anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
        ManagerProfile.objects.filter(user=anna).update(phone="+79990000001")
        order = make_order(shop, manager=anna, customer_name="Pavel Lebedev", phone="+79161234502")
        night = make_order(shop, manager=anna, customer_name="Olga Novikova", phone="+79161234503")
        night.customer.timezone = "Asia/Vladivostok"  # 21:00 there
        night.customer.save(update_fields=["timezone"])
        log_in(page, live_server, "anna")

        page.goto(f"{live_server.url}/orders/{order.pk}/")
        page.click("[data-testid=call-place-button]")
        assert "Calling Pavel Lebedev: your phone rings first" in page.locator(".alert").first.inner_text()
        assert "Call by phone: reached, talked 1:15" in _history_says(page, "Call by phone: reached")
        _shot(page, tmp_path, "reached-in-history")

        page.goto(f"{live_server.url}/orders/{night.pk}/")
        assert page.locator("[data-testid=call-place-button]").count() == 0
        page.click("[data-testid=call-place-night]")
        confirm = page.locator("[data-testid=call-anyway]")
        confirm.wait_for(state="visible")
        assert "It is 21:00 for the customer: their night." in confirm.inner_text()
        _shot(page, tmp_path, "night-call-anyway")
        page.click("[data-testid=call-anyway-button]")
        assert "Calling Olga Novikova" in page.locator(".alert").first.inner_text()
        assert "Call by phone: busy (miss 1 of 4)" in _history_says(page, "Call by phone: busy")
        assert PhoneCall.objects.get(order=night).night_confirmed

        page.click("[data-testid=presence] button.dropdown-toggle")
        page.locator("[data-testid=auto-dial] button").wait_for(state="visible")
        _shot(page, tmp_path, "presence-menu-auto-dial")
        page.click("[data-testid=auto-dial] button")
        assert "Auto-dial is on" in page.locator(".alert").first.inner_text()
        assert ManagerProfile.objects.get(user=anna).auto_dial
