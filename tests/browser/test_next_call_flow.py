import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.clock import desk_time
from orders.models import Task
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, grant, make_order, make_task, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONES = ["Europe/Moscow", "Asia/Tokyo", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata"]


def daytime_zone() -> str:
    """A zone where it is day now and in five minutes, so the ladder's next call is not moved to a morning."""
    now = timezone.now()
    for name in ZONES:
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        if 9 <= local.hour < 20:
            return name
    raise AssertionError("no zone in the list is in daytime")  # the zones cover every hour of the day


def test_next_opens_a_due_call_and_no_answer_plans_the_next_call_in_5_minutes(live_server, page, tmp_path):
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    shop = ShopFactory(name="Green Garden", timezone=daytime_zone())
    grant(anna, shops=[shop])
    make_order(shop, manager=anna, customer_name="Olga Novikova")  # untouched: comes after the due call
    order = make_order(shop, manager=anna, customer_name="Pavel Lebedev", phone="+79161234502")
    due = timezone.now() - timedelta(minutes=2)
    make_task(order, assignee=anna, text="Call back: confirm the order", due_at=due)
    log_in(page, live_server, "anna")

    page.click("[data-testid=next]")
    page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
    assert "Call due: Call back: confirm the order" in page.locator(".alert").first.inner_text()
    assert "Pavel Lebedev" in page.locator("[data-testid=call-panel]").inner_text()
    page.screenshot(path=tmp_path / "due-call.png", full_page=True)

    before = timezone.now()
    page.click("[data-testid=call-form] button:has-text('No answer')")
    page.wait_for_selector("text=Next call planned for")
    after = timezone.now()

    tasks = page.locator("[data-testid=next-step] [data-testid=task]")
    assert tasks.count() == 1
    text = tasks.first.inner_text()
    assert "Call again (no answer ×1)" in text
    shown = {desk_time(moment + timedelta(minutes=5)) for moment in (before, after)}  # as the page writes it
    assert any(value in text for value in shown), (text, shown)
    assert "missed 1 of 5" in page.locator("[data-testid=missed-calls]").inner_text()
    assert "Call: no answer (miss 1 of 5)" in page.locator("[data-testid=history]").inner_text()
    page.screenshot(path=tmp_path / "next-call.png", full_page=True)

    planned = Task.objects.get(order=order, done_at__isnull=True)
    assert before + timedelta(minutes=5) <= planned.due_at <= after + timedelta(minutes=5)
