import pytest

from tests.factories import PASSWORD, grant, make_order, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_logs_in_and_lands_on_their_queue(live_server, page, tmp_path):
    user = manager(username="anna", first_name="Anna", last_name="Smirnova")
    order = make_order(manager=user, customer_name="Maria Volkova")
    grant(user, shops=[order.shop])

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/orders/")
    assert page.locator("h1").inner_text().startswith("My orders")
    assert page.locator("[data-testid=total]").inner_text() == "1"
    rows = page.locator("[data-testid=order-row]")
    assert rows.count() == 1
    assert "Maria Volkova" in rows.first.inner_text()
    assert order.number in rows.first.inner_text()
    page.screenshot(path=tmp_path / "queue.png", full_page=True)
    assert (tmp_path / "queue.png").stat().st_size > 10_000
