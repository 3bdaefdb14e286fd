"""A customer opens a rating link from the feedback email in Chromium: the page names the shop and has the link's
rating chosen, and nothing is recorded until they press the button; after it, the page thanks them and a 2 opens
a claim. The inspector's claim page shows the email as sent, with its links masked."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from feedback.models import Claim, FeedbackRequest, ShopFeedback
from feedback.services import feedback_send_due, rating_link
from feedback.services.requests import MASKED_LINK
from notifications.services import outbox_send_due
from orders.services import order_change_status
from tests.browser.test_claim_flow import log_in_as
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_rates_from_the_page_and_the_inspector_sees_the_email_masked(
    live_server, page, settings, tmp_path
):
    # At noon desk time: at night the customer's letter would rightly wait for their morning.
    with time_machine.travel(timezone.localtime().replace(hour=12, minute=0), tick=True):
        rate_and_look(live_server, page, settings, tmp_path)


def rate_and_look(live_server, page, settings, tmp_path):
    settings.SITE_URL = live_server.url
    shop = ShopFactory(always_open=True, name="Green Garden")
    ShopFeedback.objects.create(
        shop=shop, signer="Maria, Green Garden", signer_email="maria@green-garden.example", delay=timedelta(0)
    )
    anna = free_manager(username="anna", shops=[shop])
    igor = inspector(username="igor", first_name="Igor", last_name="Petrov")
    grant(igor, shops=[shop])
    order = make_order(shop, phone="+74952223344", customer_name="Tatiana Egorova", manager=anna)
    order.customer.email = "tatiana@example.com"
    order.customer.save()
    for code in ("approval", "assembly", "delivery", "complete"):
        order_change_status(order=order, target=code, by=anna)
    feedback_send_due()
    outbox_send_due()
    [email] = mail.outbox
    link = next(line.split(" — ")[1] for line in email.body.splitlines() if line.startswith("2 — "))

    page.goto(link)
    assert page.locator("[data-testid=shop]").inner_text() == "Green Garden"
    assert page.locator("#rating-2").is_checked() and not page.locator("#rating-5").is_checked()
    page.screenshot(path=tmp_path / "rating-page-opened.png", full_page=True)
    assert FeedbackRequest.objects.get().rating is None and not Claim.objects.exists()

    page.fill("#id_comment", "The lid of the teapot was cracked.")
    page.click("[data-testid=send-rating]")
    page.wait_for_selector("[data-testid=thanks]")
    assert "quality control" in page.content()
    page.screenshot(path=tmp_path / "rating-page-sent.png", full_page=True)
    claim = Claim.objects.get()
    assert FeedbackRequest.objects.get().rating == 2

    log_in_as(page, live_server, "igor")
    page.goto(f"{live_server.url}/feedback/claims/{claim.pk}/")
    assert MASKED_LINK in page.content() and not re.search(r"/feedback/rate/[^/\s\"'<>]+/", page.content())
    page.screenshot(path=tmp_path / "claim-page-masked-email.png", full_page=True)


@pytest.mark.parametrize("width", [390, 320])
def test_on_a_phone_the_five_ratings_fit_the_card_and_never_scroll_sideways(live_server, browser, width, tmp_path):
    shop = ShopFactory(always_open=True, name="Green Garden")
    order = make_order(shop, customer_name="Tatiana Egorova")
    request = FeedbackRequest.objects.create(order=order, customer=order.customer, due_at=timezone.now())
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("feedback:rate", args=[rating_link(request, 3).split("/")[-2]]))
    form = page.locator("[data-testid=rate-form]").bounding_box()
    labels = [label.bounding_box() for label in page.locator(".rating-choice label").all()]
    page.screenshot(path=tmp_path / f"rating-page-{width}.png", full_page=True)
    assert len(labels) == 5
    assert all(form["x"] <= box["x"] and box["x"] + box["width"] <= form["x"] + form["width"] for box in labels)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
