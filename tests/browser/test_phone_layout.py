from decimal import Decimal

import pytest

from orders.models import Order
from tests.browser.test_claim_flow import log_in_as
from tests.factories import PASSWORD, ShopFactory, free_manager, make_order, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lines an element's text takes on screen (a flex item is one box however its text wraps).
LINES_OF_TEXT = (
    "el => { const text = document.createRange(); text.selectNodeContents(el);"
    " return text.getClientRects().length; }"
)


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


def test_on_a_phone_a_supervisors_overdue_cards_fit_the_screen_without_scrolling_sideways(
    live_server, browser, tmp_path
):
    """An overdue card carries a tick, a long number, two badges and a total in thousands: on a 390 px phone the
    number stays on one line and nothing pushes the page wider than the screen (the total was cut off)."""
    shop = ShopFactory(always_open=True, name="Gadget Point", code="gadgetpoint")
    free_manager(username="dmitry", first_name="Dmitry", last_name="Sokolov")
    items = [{"sku": "GD-1", "name": "Wireless earbuds", "qty": 3, "price": Decimal("99990.00")}]
    order = make_order(shop, customer_name="Alexey Fedorov", items=items)
    Order.objects.filter(pk=order.pk).update(is_overdue=True)
    supervisor(username="boss")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in_as(page, live_server, "boss")
    for path in ("/orders/", "/dashboard/"):
        page.goto(f"{live_server.url}{path}")
        card = page.locator("[data-testid=order-card]").first
        number = card.get_by_role("link", name=order.number)
        page.screenshot(path=tmp_path / "phone-overdue.png", full_page=True)
        assert number.evaluate(LINES_OF_TEXT) == 1, path  # one line, not "GADGETPOINT-" over "1"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()


def test_on_a_phone_a_notification_reads_across_the_screen_not_in_a_narrow_column(live_server, browser, tmp_path):
    """The kind's badge and the Open button sat either side of the text, which wrapped a word a line."""
    shop = ShopFactory(always_open=True, name="Green Garden")
    free_manager(username="anna", first_name="Anna", last_name="Smirnova")
    make_order(shop, customer_name="Maria Volkova")  # routed to Anna: "Order … is yours: …" in her bell
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in_as(page, live_server, "anna")
    page.goto(f"{live_server.url}/notifications/")
    item = page.locator("[data-testid=notification]").first
    text = item.get_by_text("is yours")
    page.screenshot(path=tmp_path / "phone-bell.png", full_page=True)
    assert text.bounding_box()["width"] >= 0.8 * item.bounding_box()["width"]
    assert item.get_by_role("button", name="Open").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_on_a_phone_the_russian_order_page_and_bell_fit_the_screen(live_server, browser, settings, tmp_path):
    """Russian words are longer: the message form's note squeezed beside its buttons pushed «Отправить» off a
    390 px screen, and the bell's «Отметить все прочитанными» sat beyond its edge."""
    settings.LANGUAGE_CODE = "ru"
    shop = ShopFactory(always_open=True, name="Зелёный сад")
    free_manager(username="anna", first_name="Анна", last_name="Смирнова")
    order = make_order(shop, customer_name="Мария Волкова")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in_as(page, live_server, "anna")
    pages = ((f"/orders/{order.pk}/", "[data-testid=message-send]"), ("/notifications/", "[data-testid=read-all]"))
    for path, button in pages:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=tmp_path / f"phone-ru-{path.strip('/').replace('/', '-')}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        box = page.locator(button).first.bounding_box()
        assert box["x"] + box["width"] <= 390, path
    context.close()
