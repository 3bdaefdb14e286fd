"""A WhatsApp from a number the desk does not know, through Twilio's real inbound webhook (signed), reaches a Free
manager's "My conversations"; the manager opens it (read), replies through the outbox, makes an order from it, and
the customer's next message shows on the order."""

import pytest
from playwright.sync_api import expect

from config.fake_twilio import FakeTwilio
from notifications.models import OutboundMessage
from orders.models import Conversation, Order
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, free_manager
from tests.notifications.conftest import ACCOUNT_SID, AUTH_TOKEN, WHATSAPP_FROM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STRANGER = "whatsapp:+79990001122"


@pytest.fixture
def fake_twilio(settings, live_server):
    fake = FakeTwilio(token=AUTH_TOKEN).start()
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_WHATSAPP_FROM, settings.TWILIO_BASE_URL = WHATSAPP_FROM, fake.base_url
    settings.SITE_URL = live_server.url  # what the webhook's signature is computed for
    yield fake
    fake.stop()


def test_a_new_number_on_whatsapp_is_answered_and_becomes_an_order_that_takes_the_next_message(
    live_server, page, fake_twilio
):
    shop = ShopFactory(always_open=True, name="Green Garden")
    free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    inbound = f"{live_server.url}/webhooks/twilio/inbound/"
    assert fake_twilio.reply(inbound, from_=STRANGER, body="Hello! Do you have blue watering cans?") == 200

    log_in(page, live_server, "anna")
    page.click("[data-testid=inbox-link]")
    row = page.locator("[data-testid=conversation-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Do you have blue watering cans?")
    expect(row).to_contain_text("unknown")
    expect(row.locator("[data-testid=unread]")).to_be_visible()

    row.locator("[data-testid=open-conversation]").click()
    expect(page.locator("[data-testid=mark-read]")).to_have_count(0)  # the page posted "read" once open
    page.select_option("#id_channel", "whatsapp")
    page.fill("#id_body", "Yes, 5 litres, 990 ₽. Shall I put one aside?")
    page.click("[data-testid=message-send]")
    expect(page.locator(".alert-success")).to_contain_text(
        "Message queued"
    )  # held till 09:00 in the customer's night
    expect(page.locator("[data-testid=message-out]")).to_contain_text("Shall I put one aside?")
    expect(page.locator("[data-testid=history]")).to_contain_text("First reply to the customer.")
    conversation = Conversation.objects.get()
    assert not conversation.unread and conversation.first_replied_at is not None
    assert OutboundMessage.objects.get().conversation == conversation

    page.click("[data-testid=order-from-conversation]")
    expect(page.locator("#id_phone")).to_have_value("+79990001122")
    page.fill("#id_items-0-name", "Watering can, blue, 5 l")
    page.fill("#id_items-0-qty", "1")
    page.fill("#id_items-0-price", "990")
    page.click("[data-testid=create-order]")
    expect(page.locator(".alert-success")).to_contain_text("created")
    order = Order.objects.get()
    assert page.url.endswith(f"/orders/{order.pk}/")
    conversation.refresh_from_db()
    assert (conversation.order, conversation.state, conversation.close_reason) == (order, "closed", "order")

    assert fake_twilio.reply(inbound, from_=STRANGER, body="Yes please, I'll pick it up on Saturday") == 200
    page.reload()
    expect(page.locator("[data-testid=message-in]").first).to_contain_text("pick it up on Saturday")
    page.click("[data-testid=inbox-link]")
    expect(page.locator("[data-testid=conversation-row]")).to_have_count(0)
