"""Under the Content-Security-Policy the desk's pages and the admin run without a single blocked script or
style: Chromium reports every violation on the console and as a securitypolicyviolation event."""

import pytest

from tests.factories import PASSWORD, UserFactory, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_main_pages_and_the_admin_break_no_rule_of_the_policy(live_server, page):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    order = make_order()
    violations = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and violations.append(message.text)
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for path in [
        "/orders/",
        f"/orders/{order.pk}/",
        "/dashboard/",
        "/feedback/claims/",
        "/notifications/",
        "/admin/",
        "/admin/orders/status/",
        "/admin/notifications/trigger/add/",
        "/admin/orders/status/matrix/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path  # a page that is not there breaks no rule either
        page.wait_for_load_state("networkidle")
    # Dropdowns are Bootstrap's own script: still working.
    page.goto(f"{live_server.url}/orders/")
    page.click("nav .dropdown-toggle")
    page.wait_for_selector("nav .dropdown-menu.show")
    assert violations == []
