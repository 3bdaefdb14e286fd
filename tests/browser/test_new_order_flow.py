from decimal import Decimal

import pytest

from orders.models import Customer, Order
from tests.factories import PASSWORD, ShopFactory, free_manager, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_item(page, row, name, qty, price):
    page.fill(f"#id_items-{row}-name", name)
    page.fill(f"#id_items-{row}-qty", str(qty))
    page.fill(f"#id_items-{row}-price", str(price))


def anna_on_a_new_order(page, live_server, *known):
    """Anna, a manager of Green Garden with these known customers (name, phone, email), on an empty New order."""
    shop = ShopFactory(always_open=True, name="Green Garden")
    free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    orders = [make_order(shop, phone=phone, customer_name=name) for name, phone, _ in known]
    for order, (_, _, email) in zip(orders, known, strict=True):
        Customer.objects.filter(pk=order.customer_id).update(email=email)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/orders/new/")
    return orders


def test_a_manager_types_in_a_phone_order_for_a_known_customer(live_server, page, tmp_path):
    shop = ShopFactory(always_open=True, name="Green Garden")
    free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    earlier = make_order(shop, phone="+79161234567", customer_name="Maria Volkova")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("[data-testid=new-order-link]")

    page.fill("#id_phone", "8 916 123-45-67")
    page.press("#id_phone", "Tab")  # the change event on the phone asks who this is
    page.wait_for_selector("[data-testid=known]")
    assert earlier.number in page.locator("[data-testid=known]").inner_text()
    # A known customer's name is shown, not retyped: locked until the manager chooses to update it.
    assert page.input_value("#id_name") == "Maria Volkova" and page.is_disabled("#id_name")
    assert page.is_visible("#id_update_details") and not page.is_checked("#id_update_details")
    page.fill("#id_items-0-name", "Garden hose")
    page.fill("#id_items-0-qty", "2")
    page.fill("#id_items-0-price", "1890")
    page.click("[data-testid=add-item]")
    page.fill("#id_items-1-name", "Mistake")
    page.fill("#id_items-1-qty", "1")
    page.fill("#id_items-1-price", "1")
    page.click("[data-testid=add-item]")
    page.fill("#id_items-2-name", "Watering can")
    page.fill("#id_items-2-qty", "1")
    page.fill("#id_items-2-price", "700")
    page.locator("[data-row]").nth(1).locator("[data-remove-row]").click()  # removed without a reload
    page.check("#id_take_it")
    page.screenshot(path=tmp_path / "new-order.png", full_page=True)
    page.click("[data-testid=create-order]")

    page.wait_for_selector(".alert-success")
    order = Order.objects.exclude(pk=earlier.pk).get()
    assert (
        f"Order {order.number} created; it is with Anna Smirnova." in page.locator(".alert-success").inner_text()
    )
    assert sorted(order.items.values_list("name", flat=True)) == ["Garden hose", "Watering can"]
    assert order.total == 2 * 1890 + 700 and order.customer_id == earlier.customer_id

    # The customer page lists both orders; the manager edits the new one's quantity from its page.
    page.click("[data-testid=customer-link]")
    customer_page = page.locator("main").inner_text()
    assert order.number in customer_page and earlier.number in customer_page
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.click("[data-testid=edit-order]")
    hose_row = page.locator("[data-row]", has=page.locator("input[value='Garden hose']"))
    hose_row.locator("input[name$=qty]").fill("3")
    page.click("[data-testid=save-edit]")
    page.wait_for_selector(".alert-success")
    assert "Garden hose: quantity 2 → 3" in page.locator(".alert-success").inner_text()
    assert "₽6,370" in page.locator("tfoot").inner_text()  # 3 × 1,890 + 700, in roubles
    assert "Garden hose: quantity 2 → 3" in page.locator("[data-testid=history]").inner_text()
    page.screenshot(path=tmp_path / "edited.png", full_page=True)


def test_updating_a_known_customers_name_is_a_choice_on_the_form_and_a_line_of_their_history(
    live_server, page, tmp_path
):
    [earlier] = anna_on_a_new_order(page, live_server, ("Olga Novikova", "+79161234567", ""))
    Customer.objects.filter(pk=earlier.customer_id).update(is_vip=True)
    assert page.is_hidden("#id_update_details")  # nobody known yet: nothing to update

    page.fill("#id_phone", "+7 916 123 45 67")
    page.press("#id_phone", "Tab")
    page.wait_for_selector("[data-testid=known]")
    assert "Olga Novikova is a known customer" in page.locator("[data-testid=known]").inner_text()
    assert page.input_value("#id_name") == "Olga Novikova" and page.is_disabled("#id_name")
    page.screenshot(path=tmp_path / "known-customer.png", full_page=True)
    page.check("#id_update_details")
    assert page.is_enabled("#id_name")
    page.fill("#id_name", "Olga N.")
    fill_item(page, 0, "Garden hose", 1, 1890)
    page.screenshot(path=tmp_path / "known-customer-update.png", full_page=True)
    page.click("[data-testid=create-order]")

    page.wait_for_selector(".alert-success")
    page.click("[data-testid=customer-link]")
    history = page.locator("[data-testid=customer-history]").inner_text()
    assert "Name: Olga Novikova → Olga N. (with a new order)" in history and "Anna Smirnova" in history
    Customer.objects.get(pk=earlier.customer_id, name="Olga N.")


def test_an_item_marked_for_removal_stays_marked_on_a_refused_edit(live_server, page, tmp_path):
    shop = ShopFactory(always_open=True, name="Green Garden")
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    order = make_order(
        shop, manager=anna, items=[{"sku": "", "name": "Garden hose 25 m", "qty": 3, "price": Decimal("1890")}]
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/orders/{order.pk}/edit/")
    row = page.locator("[data-row]").first
    row.locator("[data-remove-row]").click()
    assert row.locator("[data-testid=removed-note]").is_visible()  # struck through, not hidden
    page.click("[data-testid=save-edit]")

    page.wait_for_selector("text=Add at least one item.")
    row = page.locator("[data-row]").first
    assert row.locator("[data-testid=removed-note]").is_visible() and row.locator("[data-keep-row]").is_visible()
    assert row.locator("input[name$=DELETE]").is_checked()
    page.screenshot(path=tmp_path / "refused-edit.png", full_page=True)
    row.locator("[data-keep-row]").click()  # the manager changes their mind: the item stays
    assert not row.locator("[data-testid=removed-note]").is_visible()
    row.locator("input[name$=qty]").fill("2")
    page.click("[data-testid=save-edit]")
    page.wait_for_selector(".alert-success")
    assert "Garden hose 25 m: quantity 3 → 2" in page.locator(".alert-success").inner_text()
    assert list(order.items.values_list("qty", flat=True)) == [2]


def test_a_manager_types_only_a_known_customers_email_and_the_order_is_theirs(live_server, page, tmp_path):
    [earlier] = anna_on_a_new_order(page, live_server, ("Tatiana Egorova", "+79035550101", "tanya@example.com"))

    page.fill("#id_email", " Tanya@Example.com ")
    page.press("#id_email", "Tab")  # the change event on the email asks who this is, as the phone's does
    page.wait_for_selector("[data-testid=known]")
    known = page.locator("[data-testid=known]").inner_text()
    assert "Tatiana Egorova is a known customer" in known and earlier.number in known
    assert page.input_value("#id_name") == "Tatiana Egorova" and page.is_disabled("#id_name")
    assert page.is_visible("#id_update_details") and not page.is_checked("#id_update_details")
    fill_item(page, 0, "Garden hose", 1, 1890)
    page.screenshot(path=tmp_path / "known-by-email.png", full_page=True)
    page.click("[data-testid=create-order]")

    page.wait_for_selector(".alert-success")
    order = Order.objects.exclude(pk=earlier.pk).get()
    assert order.customer_id == earlier.customer_id and Customer.objects.count() == 1


def test_a_known_phone_typed_with_another_customers_email_says_whose_email_it_is(live_server, page, tmp_path):
    anna_on_a_new_order(
        page,
        live_server,
        ("Maria Volkova", "+79161234567", ""),
        ("Tatiana Egorova", "+79035550101", "tanya@example.com"),
    )
    # Leaving the phone asks with the phone alone; that answer is held back until the email's has been shown.
    held = []
    page.route(
        "**/orders/new/customer/?*",
        lambda route: held.append(route) if route.request.url.endswith("email=") else route.continue_(),
    )

    page.fill("#id_phone", "8 916 123-45-67")
    page.fill("#id_email", "tanya@example.com")
    page.press("#id_email", "Tab")
    page.wait_for_selector("[data-testid=email-owner]")
    with page.expect_response(lambda response: response.url.endswith("email=")):
        held[0].continue_()
    page.evaluate("() => new Promise((done) => setTimeout(done, 200))")  # time for the page to read that answer
    assert "Maria Volkova is a known customer" in page.locator("[data-testid=known]").inner_text()
    assert page.input_value("#id_name") == "Maria Volkova"
    owner = page.locator("[data-testid=email-owner]").inner_text()
    assert "tanya@example.com is the email of Tatiana Egorova, another customer of this shop" in owner
    page.screenshot(path=tmp_path / "email-of-another.png", full_page=True)
