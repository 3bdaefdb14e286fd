"""A call to the shop's number that nobody answers, played by the fake Twilio through the signed voice webhooks:
the customer's manager finds the call-back task and the history line naming who was rung, on the order page."""

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from config.fake_twilio import FakeTwilio
from orders.models import Customer, ShopAddress
from tests.browser.test_order_status_flow import log_in
from tests.calls.conftest import reachable
from tests.factories import ShopFactory, free_manager, make_order
from tests.notifications.conftest import ACCOUNT_SID, AUTH_TOKEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOP_NUMBER = "+74951234567"


@pytest.fixture
def fake_twilio(settings, live_server):
    fake = FakeTwilio(token=AUTH_TOKEN).start()
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_BASE_URL, settings.SITE_URL = fake.base_url, live_server.url
    yield fake
    fake.stop()


def test_a_call_nobody_answers_shows_on_the_order_with_a_call_back_task(live_server, page, fake_twilio):
    shop = ShopFactory(always_open=True, name="Green Garden")
    ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address=SHOP_NUMBER)
    anna = reachable(free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop]),
                     phone="+79160000001")  # fmt: skip
    reachable(free_manager(username="boris", first_name="Boris", last_name="Petrov", shops=[shop]),
              sip="sip:boris@garden.sip.twilio.com")  # fmt: skip
    order = make_order(shop, phone="+79161112233", customer_name="Olga Ivanova", manager=anna)
    Customer.objects.filter(pk=order.customer_id).update(responsible_manager=anna)

    url = f"{live_server.url}/webhooks/twilio/voice/"
    _, twiml = fake_twilio.incoming_call(url, from_="+79161112233", to=SHOP_NUMBER, call_sid="CA-browser")
    for _ in range(2):
        action = ET.fromstring(twiml).find("Dial").get("action")
        _, twiml = fake_twilio.dial_ended(action, call_sid="CA-browser", status="no-answer")
    assert ET.fromstring(twiml).find("Record") is not None

    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    history = page.locator("[data-testid=history]")
    expect(history).to_contain_text("(rang Anna Smirnova 0 s, Boris Petrov 0 s)")
    expect(page.get_by_text("Call back: missed call").first).to_be_visible()
    page.screenshot(path="/work/wt/notes/shots/ring-missed-call-order.png", full_page=True)
