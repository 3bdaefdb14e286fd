import pytest

from tests.factories import PASSWORD, grant, make_order, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/orders/")


def next_statuses(page) -> list[str]:
    return sorted(text.strip() for text in page.locator("[data-testid=next-statuses] button").all_inner_texts())


def test_manager_moves_an_order_from_new_to_approval_and_sees_it_in_history(live_server, page, tmp_path):
    user = manager(username="boris", first_name="Boris", last_name="Ivanov")
    order = make_order(manager=user, customer_name="Pavel Lebedev")
    grant(user, shops=[order.shop])
    log_in(page, live_server, "boris")

    page.click(f"text={order.number}")
    page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
    assert next_statuses(page) == ["Approval", "Cancelled"]
    page.screenshot(path=tmp_path / "order-new.png", full_page=True)

    page.click("[data-testid=next-statuses] button:has-text('Approval')")
    page.wait_for_selector("text=moved to Approval")
    assert page.locator("[data-testid=current-status]").inner_text() == "Approval"
    assert next_statuses(page) == ["Assembly", "Cancelled"]
    history = page.locator("[data-testid=history]").inner_text()
    assert "Status New → Approval" in history and "Boris Ivanov" in history
    page.screenshot(path=tmp_path / "order-approval.png", full_page=True)
    order.refresh_from_db()
    assert order.status == "approval"
