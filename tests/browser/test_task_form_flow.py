from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import ShopDay, Task
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, grant, make_order, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_order_with_no_next_step_gets_one_planned_with_a_quick_pick(live_server, page, tmp_path):
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    shop = ShopFactory(name="Green Garden")
    grant(anna, shops=[shop])
    order = make_order(shop, manager=anna, customer_name="Olga Novikova")
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert page.locator("[data-testid=no-next-step]").is_visible()

    form = page.locator("[data-testid=task-form]")
    before = timezone.localtime()
    form.locator("button:has-text('+1 h')").click()
    after = timezone.localtime()
    picked = form.locator("input[name=due_at]").input_value()
    assert picked in {f"{moment + timedelta(hours=1):%Y-%m-%dT%H:%M}" for moment in (before, after)}, picked
    form.locator("input[name=text]").fill("Call to confirm the delivery address")
    page.screenshot(path=tmp_path / "task-form.png", full_page=True)
    form.locator("button:has-text('Plan it')").click()
    page.wait_for_selector("text=Task planned for")

    assert not page.locator("[data-testid=no-next-step]").is_visible()
    assert "Call to confirm the delivery address" in page.locator("[data-testid=next-step]").inner_text()
    task = Task.objects.get(order=order)
    assert f"{timezone.localtime(task.due_at):%Y-%m-%dT%H:%M}" == picked


def test_the_next_day_pick_skips_the_shops_day_off(live_server, page):
    anna = manager(username="anna")
    shop = ShopFactory()
    grant(anna, shops=[shop])
    tomorrow = timezone.localdate() + timedelta(days=1)
    ShopDay.objects.create(shop=shop, date=tomorrow, kind=ShopDay.Kind.DAY_OFF)
    order = make_order(shop, manager=anna)
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/orders/{order.pk}/")

    form = page.locator("[data-testid=task-form]")
    form.locator("[data-testid=due-next-day]").click()

    assert form.locator("input[name=due_at]").input_value() == f"{tomorrow + timedelta(days=1):%Y-%m-%d}T10:00"
