import pytest
from playwright.sync_api import expect

from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, free_manager, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_tells_a_manager_of_a_new_order_without_a_reload(live_server, page, tmp_path):
    free_manager(username="anna", first_name="Anna", last_name="Smirnova")
    log_in(page, live_server, "anna")
    badge = page.locator("[data-testid=unread-count]")
    assert not badge.is_visible()

    order = make_order(ShopFactory(name="Green Garden"))  # routed to Anna, the only free manager
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # coming back to the tab polls at once

    expect(badge).to_have_text("1", timeout=10_000)  # polls from Python: the page's CSP forbids eval
    assert badge.is_visible()
    assert page.title().startswith("(1) ")
    page.screenshot(path=tmp_path / "bell.png")
    page.click("[data-testid=bell]")
    assert f"Order {order.number} is yours" in page.locator("main").inner_text()
