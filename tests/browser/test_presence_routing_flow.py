import json

import pytest
from django.test import Client

from orders.models import Order
from orders.services import shop_issue_api_key
from tests.factories import PASSWORD, ShopFactory, free_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def push_order(key: str, external_id: str, phone: str) -> dict:
    response = Client().post(
        "/api/v1/orders/",
        json.dumps(
            {
                "external_id": external_id,
                "customer": {
                    "name": f"Buyer {external_id}",
                    "phone": f"+7916555{int(external_id.rsplit('-', 1)[-1]):04d}",
                },
                "items": [{"name": "Teapot", "qty": 1, "price": "990"}],
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_lunch_sends_new_orders_elsewhere_and_free_pulls_the_queue(live_server, page, tmp_path):
    shop = ShopFactory()
    key = shop_issue_api_key(shop=shop)
    free_manager(username="anna", first_name="Anna", last_name="Smirnova")
    free_manager(username="boris", first_name="Boris", last_name="Ivanov", quota=1)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/orders/")
    page.click("[data-testid=presence] button.dropdown-toggle")
    page.click("[data-testid=presence] button:has-text('Lunch')")
    page.wait_for_selector("text=You are on lunch.")
    assert page.locator("[data-testid=presence-current]").inner_text() == "Lunch"

    first = push_order(key, "web-1", "+79165550001")
    assert first["manager"] == "Boris Ivanov"
    second = push_order(key, "web-2", "+79165550002")
    assert second["manager"] is None  # Boris is at quota, Anna at lunch: it waits

    page.click("[data-testid=presence] button.dropdown-toggle")
    page.click("[data-testid=presence] button:has-text('Free')")
    page.wait_for_selector("text=You are free: new orders come to you.")
    page.goto(f"{live_server.url}/orders/")
    rows = page.locator("[data-testid=order-row]")
    assert rows.count() == 1 and second["number"] in rows.first.inner_text()
    page.screenshot(path=tmp_path / "after-lunch.png", full_page=True)
    assert Order.objects.get(number=second["number"]).manager.username == "anna"
