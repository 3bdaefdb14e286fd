"""A manager moves an order into a status with a trigger and watches the customer's message go: queued, then
delivered (the fake Twilio's status callback reaching the desk's webhook), then the customer's reply in the
conversation and the bell. The real twilio client, the real webhooks, a fake Twilio on 127.0.0.1."""

import time
import zoneinfo
from datetime import datetime

import pytest
from django_q.conf import Conf
from playwright.sync_api import expect

from config.fake_twilio import FakeTwilio
from notifications.models import MessageTemplate, OutboundMessage, Trigger
from notifications.services import outbox_send_due
from orders.models import Status
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, free_manager, make_order
from tests.notifications.conftest import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ZONES = ["Europe/Moscow", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "America/Los_Angeles", "Europe/London"]


def daytime_zone() -> str:
    """A zone where it is day now, so quiet hours do not hold the message whenever the suite runs."""
    return next(zone for zone in ZONES if 10 <= datetime.now(zoneinfo.ZoneInfo(zone)).hour < 19)


@pytest.fixture
def fake_twilio(settings, live_server, monkeypatch):
    fake = FakeTwilio(token=AUTH_TOKEN, callbacks=True, callback_delay=0.5).start()
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_SMS_FROM, settings.TWILIO_BASE_URL = SMS_FROM, fake.base_url
    settings.SITE_URL = live_server.url  # where Twilio's callbacks go, and what their signatures are for
    # As in production, sending waits for a q2 worker instead of running inside the request.
    monkeypatch.setattr(Conf, "SYNC", False)
    yield fake
    fake.stop()


def reload_until(page, selector: str, text: str, seconds: float = 10) -> str:
    deadline = time.monotonic() + seconds
    while True:
        page.reload()
        content = page.locator(selector).inner_text()
        if text in content or time.monotonic() > deadline:
            return content
        time.sleep(0.3)


def test_a_trigger_message_goes_out_is_delivered_and_the_reply_lands_on_the_order_and_the_bell(
    live_server, page, fake_twilio, tmp_path
):
    shop = ShopFactory(always_open=True, name="Green Garden")
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    order = make_order(shop, phone="+79161234505", customer_name="Tatiana Egorova", manager=anna)
    customer = order.customer
    customer.timezone = daytime_zone()
    customer.save()
    template = MessageTemplate.objects.create(
        name="Order confirmed", channel="sms", body="{{ shop.name }} has confirmed your order {{ order.number }}."
    )
    Trigger.objects.create(name="Confirmed", status=Status.objects.get(code="approval"), template=template)

    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.click("[data-testid=next-statuses] button:has-text('Approval')")
    page.wait_for_selector("text=moved to Approval")
    outgoing = page.locator("[data-testid=message-out]").first
    assert f"Green Garden has confirmed your order {order.number}." in outgoing.inner_text()
    assert outgoing.locator("[data-testid=message-state]").inner_text().strip() == "queued"
    page.screenshot(path=tmp_path / "message-queued.png", full_page=True)

    assert outbox_send_due() == 1  # the every-minute schedule's run
    [sent] = fake_twilio.sent
    assert (
        sent.form["To"] == "+79161234505"
        and sent.form["StatusCallback"]
        == f"{live_server.url}/webhooks/twilio/status/?outbox={OutboundMessage.objects.get().pk}"
    )
    state = reload_until(page, "[data-testid=message-out] [data-testid=message-state]", "delivered")
    assert "delivered" in state
    assert OutboundMessage.objects.get().state == "delivered"

    assert (
        fake_twilio.reply(
            f"{live_server.url}/webhooks/twilio/inbound/", from_="+79161234505", body="Can you bring it after six?"
        )
        == 200
    )
    page.reload()
    reply = page.locator("[data-testid=message-in]").first.inner_text()
    assert "Can you bring it after six?" in reply and "Tatiana Egorova" in reply
    expect(page.locator("[data-testid=unread-count]")).not_to_have_text("0", timeout=10_000)
    page.screenshot(path=tmp_path / "message-delivered-and-reply.png", full_page=True)
    page.goto(f"{live_server.url}/notifications/")
    assert "Tatiana Egorova wrote about order" in page.content() and "after six" in page.content()
