"""A prepayment step in Chromium: the order page says the order waits for payment instead of offering the step,
and once the storefront's payment arrives through the API the button is there and moves the order."""

import json
import urllib.request

import pytest

from orders.models import PaymentRule, StatusTransition
from orders.services import order_change_status, shop_issue_api_key
from tests.factories import PASSWORD, ShopFactory, grant, make_order, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_statuses(page) -> list[str]:
    return sorted(text.strip() for text in page.locator("[data-testid=next-statuses] button").all_inner_texts())


def test_the_page_says_why_assembly_waits_and_offers_it_once_the_payment_arrives(live_server, page, tmp_path):
    shop = ShopFactory(code="garden", always_open=True)
    boris = manager(username="boris", first_name="Boris", last_name="Ivanov")
    grant(boris, shops=[shop])
    order = make_order(shop, external_id="web-40", manager=boris)  # 900
    order_change_status(order=order, target="approval", by=boris)
    PaymentRule.objects.create(
        transition=StatusTransition.objects.get(source__code="approval", target__code="assembly"), share=100
    )
    key = shop_issue_api_key(shop=shop)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "boris")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/orders/")

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert next_statuses(page) == ["Cancelled"]
    waiting = page.locator("[data-testid=waiting-for-payment]").inner_text()
    assert "Assembly" in waiting
    assert "Waiting for payment: ₽0 of ₽900 paid (this step needs full payment)." in waiting
    page.screenshot(path=tmp_path / "waiting-for-payment.png", full_page=True)

    request = urllib.request.Request(
        f"{live_server.url}/api/v1/orders/web-40/payment/",
        data=json.dumps({"state": "paid", "amount": 900, "payment_id": "pay-1"}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer)["payment_state"] == "paid"

    page.reload()
    assert page.locator("[data-testid=waiting-for-payment]").count() == 0
    assert next_statuses(page) == ["Assembly", "Cancelled"]
    assert page.locator("[data-testid=paid]").inner_text() == "Paid ₽900 of ₽900"
    page.click("[data-testid=next-statuses] button:has-text('Assembly')")
    page.wait_for_selector("text=moved to Assembly")
    assert page.locator("[data-testid=current-status]").inner_text() == "Assembly"
    page.screenshot(path=tmp_path / "paid-and-moved.png", full_page=True)
