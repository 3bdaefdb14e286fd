import pytest

from tests.factories import PASSWORD, ShopFactory, free_manager, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_list_is_cards_with_due_and_manager_and_next_stays_in_reach(live_server, browser, tmp_path):
    shop = ShopFactory(always_open=True, name="Green Garden")
    free_manager(username="anna", first_name="Anna", last_name="Smirnova")
    orders = [make_order(shop, customer_name=name) for name in ("Maria Volkova", "Pavel Lebedev")]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/orders/")

    assert page.locator("[data-testid=next-mobile]").is_visible()  # without opening the menu
    assert not page.locator("table.table-orders").is_visible()
    cards = page.locator("[data-testid=order-card]")
    assert cards.count() == 2
    texts = cards.all_inner_texts()
    assert {order.number for order in orders} == {text.split()[0] for text in texts}
    assert all("Due:" in text and "Manager: Anna Smirnova" in text for text in texts)
    page.screenshot(path=tmp_path / "phone-list.png", full_page=True)
    page.click("[data-testid=next-mobile]")
    page.wait_for_url(f"{live_server.url}/orders/*/")
    context.close()
