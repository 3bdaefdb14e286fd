"""A customer answers the feedback request with "1" (a signed webhook call, as Twilio makes it); the supervisor
sees the open claim on the dashboard; the inspector opens it, takes it in work and resolves it; the dashboard
no longer shows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.fake_twilio import FakeTwilio
from feedback.models import Claim, FeedbackRequest, ShopFeedback
from feedback.services import claim_open
from orders.clock import desk_time
from orders.services import order_change_status
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.factories import PASSWORD, ShopFactory, free_manager, grant, inspector, make_order, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_reply_of_1_becomes_a_claim_the_inspector_resolves_and_the_dashboard_follows(
    live_server, page, settings, tmp_path
):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.SITE_URL = live_server.url
    shop = ShopFactory(always_open=True, name="Green Garden")
    ShopFeedback.objects.create(shop=shop, signer="Maria, Green Garden", delay=timedelta(0))
    anna = free_manager(username="anna", shops=[shop])
    igor = inspector(username="igor", first_name="Igor", last_name="Petrov")
    boss = supervisor(username="boss", first_name="Svetlana")
    grant(igor, shops=[shop])
    grant(boss, shops=[shop])
    order = make_order(shop, phone="+79161234505", customer_name="Tatiana Egorova", manager=anna)
    for code in ("approval", "assembly", "delivery", "complete"):
        order_change_status(order=order, target=code, by=anna)
    now = timezone.now()
    FeedbackRequest.objects.filter(order=order).update(
        state="sent", sent_at=now, valid_until=now + timedelta(days=14)
    )

    status = FakeTwilio(token=AUTH_TOKEN).reply(
        f"{live_server.url}/webhooks/twilio/inbound/", from_="whatsapp:+79161234505", body="1"
    )
    assert status == 200
    claim = Claim.objects.get()

    log_in_as(page, live_server, "boss")
    page.goto(f"{live_server.url}/dashboard/")
    panel = page.locator("[data-testid=dashboard-claims]")
    assert "1 open" in panel.inner_text() and order.number in panel.inner_text()
    page.screenshot(path=tmp_path / "dashboard-with-claim.png", full_page=True)
    page.context.clear_cookies()

    log_in_as(page, live_server, "igor")
    page.click("[data-testid=claims-link]")
    page.click(f"text=#{claim.pk}")
    assert "Rated 1/5" in page.locator("[data-testid=claim-reason]").inner_text()
    page.click("button:has-text('Take in work')")
    page.wait_for_selector("text=in work")
    assert page.locator("[data-testid=claim-state]").first.inner_text() == "In work"
    page.fill("textarea[name=text]", "Called Tatiana: a new teapot goes out tomorrow.")
    page.click("button:has-text('Resolve')")
    page.wait_for_selector("text=resolved")
    assert page.locator("[data-testid=claim-state]").first.inner_text() == "Resolved"
    assert "a new teapot goes out tomorrow" in page.locator("[data-testid=claim-history]").inner_text()
    page.screenshot(path=tmp_path / "claim-resolved.png", full_page=True)
    page.context.clear_cookies()

    log_in_as(page, live_server, "boss")
    page.goto(f"{live_server.url}/dashboard/")
    panel = page.locator("[data-testid=dashboard-claims]")
    assert "0 open" in panel.inner_text() and "No open claims." in panel.inner_text()


def test_on_a_phone_the_claims_board_shows_why_and_when_due_without_scrolling_sideways(
    live_server, browser, tmp_path
):
    shop = ShopFactory(always_open=True, name="Green Garden")
    igor = inspector(username="igor", first_name="Igor", last_name="Petrov")
    grant(igor, shops=[shop])
    order = make_order(shop, customer_name="Tatiana Egorova")
    claim = claim_open(order=order, reason="Rated 2/5: “The hose leaked at the tap.”")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in_as(page, live_server, "igor")
    page.goto(f"{live_server.url}/feedback/claims/")
    page.screenshot(path=tmp_path / "claims-phone.png", full_page=True)
    card = page.locator("[data-testid=claim-card]")
    assert card.count() == 1 and card.is_visible()
    text = card.inner_text()
    assert "The hose leaked at the tap." in text and desk_time(claim.due_at) in text and order.number in text
    card.locator(f"a[href='/feedback/claims/{claim.pk}/']").click()
    page.wait_for_url(f"{live_server.url}/feedback/claims/{claim.pk}/")
    context.close()
