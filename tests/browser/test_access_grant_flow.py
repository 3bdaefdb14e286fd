"""An admin takes every shop away from a manager's grant in Chromium: the form says beforehand what nothing
ticked means, and the saved grant says the manager now gets no shop, named as the desk names her."""

import pytest

from orders.models import AccessGrant
from tests.factories import PASSWORD, ShopFactory, UserFactory, free_manager, grant, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_unticks_all_shops_and_the_grant_says_it_now_gives_none(live_server, page, tmp_path):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    garden, gadgets = ShopFactory(code="garden", name="Garden"), ShopFactory(code="gadgets", name="Gadgets")
    make_order(garden, region="North")
    anna = free_manager(username="manager1", first_name="Anna", last_name="Smirnova")
    access = grant(anna, shops=[garden, gadgets])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/admin/orders/accessgrant/{access.pk}/change/")
    form = page.locator("#accessgrant_form").inner_text()
    assert "Every one of the shops, including any added later." in form
    assert (
        "Neither “all” nor any chosen: no shops, so this person sees no orders and routing gives them none."
        in form
    )
    assert "Anna Smirnova" in form and "North" in form
    page.screenshot(path=tmp_path / "grant-form.png", full_page=True)
    page.click("text=Remove all shops")  # every chosen shop back out; "all shops" stays unticked
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    gives = page.locator(".field-gives").inner_text()
    assert "Shops: none" in gives and "No shops: sees no orders (but those they hold) and is routed none." in gives
    page.screenshot(path=tmp_path / "grant-saved.png", full_page=True)
    access = AccessGrant.objects.get(pk=access.pk)
    assert (access.all_shops, list(access.shops.all())) == (False, [])
