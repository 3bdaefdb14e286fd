"""A manager writes to a Los Angeles customer late in the customer's evening, in Chromium with the clock frozen:
the message is held until 09:00 on the customer's clock (the desk, in Moscow, would say 20:00); an email template
picked while SMS is chosen is refused with why and the form keeps the choice; with Email chosen the template's
text for this order is shown before it goes; after sending the form keeps Email."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from notifications.models import OutboundMessage
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, free_manager, make_order
from tests.notifications.conftest import email_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# 22:30 on the customer's clock in Los Angeles: 09:30 the next morning on the desk's (Moscow's).
LATE_IN_LOS_ANGELES = datetime(2026, 11, 24, 22, 30, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_a_manager_writes_to_a_customer_in_another_zone_and_sees_what_goes_and_when(live_server, page, tmp_path):
    with time_machine.travel(LATE_IN_LOS_ANGELES, tick=True):
        shop = ShopFactory(always_open=True, name="Green Garden")
        anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
        order = make_order(shop, phone="+13105550142", customer_name="Grace Miller", manager=anna)
        order.customer.timezone, order.customer.email = "America/Los_Angeles", "grace@example.com"
        order.customer.save()
        template = email_template()

        log_in(page, live_server, "anna")
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        form = page.locator("[data-testid=message-form]")
        form.locator("textarea[name=body]").fill("Tomorrow at ten?")
        form.locator("[data-testid=message-send]").click()
        page.wait_for_url("**#conversation")
        state = page.locator("[data-testid=message-out] [data-testid=message-state]").first
        expect(state).to_have_text("held until 09:00 customer time")
        page.locator("[data-testid=conversation]").screenshot(path=tmp_path / "held-customer-time.png")

        form.locator("select[name=template]").select_option(label="Email: Shipped")
        form.locator("[data-testid=message-send]").click()
        expect(page.locator("[data-testid=message-error]")).to_contain_text(
            "The template “Shipped” is for Email, but SMS is chosen"
        )
        expect(form.locator("select[name=channel]")).to_have_value("sms")
        expect(form.locator("select[name=template]")).to_have_value(str(template.pk))
        page.locator("[data-testid=conversation]").screenshot(path=tmp_path / "template-refused.png")

        form.locator("select[name=channel]").select_option("email")
        form.locator("[data-testid=message-send]").click()  # not yet seen: its text is shown first
        preview = page.locator("[data-testid=message-preview]")
        expect(preview).to_contain_text(f"Order {order.number} is on its way")
        expect(preview).to_contain_text(f"your order <b>{order.number}</b> has left Green Garden.")
        assert OutboundMessage.objects.count() == 1
        page.locator("[data-testid=conversation]").screenshot(path=tmp_path / "template-preview.png")

        form.locator("[data-testid=message-send]").click()
        page.wait_for_url("**#conversation")
        expect(page.locator("[data-testid=message-out]").first).to_contain_text("has left Green Garden")
        expect(form.locator("select[name=channel]")).to_have_value("email")
        assert list(OutboundMessage.objects.values_list("channel", "state")) == [
            ("email", "held"),
            ("sms", "held"),
        ]
