"""A supervisor opens the KPI page: the charts are drawn (from the tables beside them, under the CSP), sorting by
average rating puts the best first, and a number leads to the orders behind it and back."""

import pytest
from django.utils import timezone

from feedback.models import FeedbackRequest, ShopFeedback
from feedback.services import rating_receive
from orders.services import order_change_status
from tests.factories import PASSWORD, ShopFactory, free_manager, grant, make_order, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def completed_and_rated(shop, manager, rating):
    from datetime import timedelta

    order = make_order(shop, manager=manager)
    for code in ("approval", "assembly", "delivery", "complete"):
        order_change_status(order=order, target=code, by=manager)
    now = timezone.now()
    FeedbackRequest.objects.filter(order=order).update(
        state="sent", sent_at=now, valid_until=now + timedelta(days=1)
    )
    rating_receive(request=FeedbackRequest.objects.get(order=order), rating=rating, source="sms")
    return order


def test_a_supervisor_sorts_by_average_rating_and_follows_a_number_to_the_orders(live_server, page, tmp_path):
    shop = ShopFactory(always_open=True)
    ShopFeedback.objects.create(shop=shop, signer="Maria", delay=timezone.timedelta(0))
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    hers = completed_and_rated(shop, anna, 2)
    from assignment.models import Presence
    from assignment.services import presence_set

    presence_set(user=anna, presence=Presence.LUNCH)
    boris = free_manager(username="boris", first_name="Boris", last_name="Ivanov", shops=[shop])
    his = completed_and_rated(shop, boris, 5)
    violations = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and violations.append(message.text)
    )

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.click("[data-testid=kpi-link]")
    page.wait_for_selector("canvas.kpi-chart[data-drawn=yes]")
    assert page.locator("canvas.kpi-chart[data-drawn=yes]").count() == 3  # orders, ratings, time in status
    page.click("[data-testid=sort-rating]")  # ascending
    page.click("[data-testid=sort-rating]")  # best first
    names = page.locator("[data-testid=kpi] tbody tr td:first-child").all_inner_texts()
    assert names[:2] == ["Boris Ivanov", "Anna Smirnova"]
    page.screenshot(path=tmp_path / "kpi.png", full_page=True)
    # Anna's rating of 2 leads to the one order behind it, and back to the page as it was.
    page.locator("[data-testid=kpi] tbody tr").nth(1).locator("[data-testid=avg-rating] a").click()
    page.wait_for_url("**/kpi/orders/?*figure=ratings*")
    assert "Rated" in page.locator("[data-testid=kpi-orders-title]").inner_text()
    table = page.locator("table.table-orders").inner_text()
    assert hers.number in table and his.number not in table
    page.screenshot(path=tmp_path / "kpi-orders.png", full_page=True)
    page.click("[data-testid=back-to-kpi]")
    page.wait_for_selector("[data-testid=kpi]")
    assert page.locator("[data-testid=kpi] tbody tr td:first-child").all_inner_texts()[:2] == names[:2]
    assert violations == []


def test_a_supervisor_chooses_a_period_and_a_shop_and_the_page_shows_them(live_server, page):
    garden, gadgets = (
        ShopFactory(always_open=True, name="Green Garden"),
        ShopFactory(always_open=True, name="Gadgets"),
    )
    free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[garden, gadgets])
    boss = supervisor(username="boss")
    grant(boss, shops=[garden, gadgets])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.click("[data-testid=kpi-link]")
    page.click("[data-testid=sort-rating]")
    page.select_option("#id_period", "30d")
    page.select_option("#id_shop", label="Gadgets")
    page.click("[data-testid=period-form] [type=submit]")
    page.wait_for_load_state()
    assert "period=30d" in page.url and f"shop={gadgets.pk}" in page.url and "sort=rating" in page.url
    assert page.locator("#id_period").input_value() == "30d"
    assert page.locator("#id_shop").input_value() == str(gadgets.pk)
    page.screenshot(path="/tmp/kpi-period-form.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/kpi-period-form-phone.png", full_page=False)
