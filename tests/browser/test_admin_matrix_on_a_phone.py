"""The admin's status matrix on a phone: the grid scrolls inside its own box, the page itself stays the phone's
width (the header and the save button do not slide away with the grid)."""

import pytest

from tests.browser.test_claim_flow import log_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_matrix_scrolls_in_its_box_and_the_page_keeps_the_phones_width(live_server, browser):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in_as(page, live_server, "root")

    page.goto(f"{live_server.url}/admin/orders/status/matrix/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    grid_box = page.locator("[data-testid=matrix]").evaluate("table => table.parentElement.scrollWidth")
    assert grid_box > 390  # the whole grid is still there, to scroll to
    context.close()
