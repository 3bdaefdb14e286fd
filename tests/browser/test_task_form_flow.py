from datetime import timedelta

import pytest
from django.utils import timezone, translation

from orders.clock import desk_time
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
    # The box writes what the page writes: day first, month named, 24-hour clock ("07 Dec 2026 14:05").
    assert picked in {f"{moment + timedelta(hours=1):%d %b %Y %H:%M}" for moment in (before, after)}, picked
    form.locator("input[name=text]").fill("Call to confirm the delivery address")
    page.screenshot(path=tmp_path / "task-form.png", full_page=True)
    form.locator("button:has-text('Plan it')").click()
    page.wait_for_selector("text=Task planned for")

    assert not page.locator("[data-testid=no-next-step]").is_visible()
    assert "Call to confirm the delivery address" in page.locator("[data-testid=next-step]").inner_text()
    task = Task.objects.get(order=order)
    assert f"{timezone.localtime(task.due_at):%d %b %Y %H:%M}" == picked


def test_a_russian_reader_picks_a_due_time_written_as_the_page_writes_dates(live_server, page, settings, tmp_path):
    """Chromium's own date box would write "07.12.2026, 14:05" or "12/07/2026, 02:05 PM" by the browser's locale;
    the desk's box writes the page's language: day, month, year, 24-hour clock."""
    settings.LANGUAGE_CODE = "ru"
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    shop = ShopFactory(name="Green Garden")
    grant(anna, shops=[shop])
    order = make_order(shop, manager=anna, customer_name="Olga Novikova")
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    form = page.locator("[data-testid=task-form]")
    before = timezone.localtime()
    form.locator("button[data-due-in='60']").click()
    after = timezone.localtime()
    picked = form.locator("input[name=due_at]").input_value()
    assert picked in {f"{moment + timedelta(hours=1):%d.%m.%Y %H:%M}" for moment in (before, after)}, picked
    form.locator("input[name=text]").fill("Call to confirm the delivery address")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    task = Task.objects.get(order=order)
    assert f"{timezone.localtime(task.due_at):%d.%m.%Y %H:%M}" == picked
    with translation.override("ru"):
        assert desk_time(task.due_at) in page.locator("[data-testid=tasks]").inner_text()  # "7 дек., 15:05"
    page.screenshot(path=tmp_path / "task-form-ru.png", full_page=True)


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

    assert form.locator("input[name=due_at]").input_value() == f"{tomorrow + timedelta(days=1):%d %b %Y} 10:00"
