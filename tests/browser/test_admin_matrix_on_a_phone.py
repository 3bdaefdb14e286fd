"""The admin's status matrix on a phone: the grid scrolls inside its own box, the page itself stays the phone's
width (the header and the save button do not slide away with the grid)."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_matrix_scrolls_in_its_box_and_the_page_keeps_the_phones_width(live_server, browser):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/admin/orders/status/matrix/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    grid_box = page.locator("[data-testid=matrix]").evaluate("table => table.parentElement.scrollWidth")
    assert grid_box > 390  # the whole grid is still there, to scroll to
    context.close()
