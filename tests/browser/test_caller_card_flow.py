"""While a call rings a manager, their open page shows who is calling within 2 s, without a reload; an unknown
caller's card leads to a new order for their number."""

import time

import pytest
from playwright.sync_api import expect

from orders.models import Customer, Order
from tests.browser.test_order_status_flow import log_in
from tests.factories import ShopFactory, free_manager, make_order, manager, ring, ring_end

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/wt/notes/shots"
# Twilio's request → the card on the page: the bound.
BOUND = 2.0


def _on_the_desk(page, live_server, username):
    """Signed in, on the orders list, its push stream open (the card can only come once the page listens)."""
    with page.expect_response(lambda response: "/calls/stream/" in response.url):
        log_in(page, live_server, username)


def _csp_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    return violations


def test_a_ringing_call_shows_the_callers_card_on_the_managers_open_page_within_2_s(live_server, page):
    shop = ShopFactory(name="Green Garden", always_open=True)
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    boris = manager(username="boris", first_name="Boris", last_name="Orlov")
    order = make_order(shop, phone="+79161234567", customer_name="Maria Volkova", vip=True, manager=anna)
    Customer.objects.filter(pk=order.customer_id).update(responsible_manager=boris)
    violations = _csp_violations(page)
    _on_the_desk(page, live_server, "anna")
    card = page.locator("[data-testid=caller-card]")
    assert card.count() == 0

    started = time.monotonic()
    leg = ring(anna, customer=Customer.objects.get(pk=order.customer_id))
    expect(card).to_be_visible(timeout=BOUND * 1000)
    took = time.monotonic() - started

    assert took < BOUND, f"the card took {took:.2f} s"
    assert page.url == f"{live_server.url}/orders/"  # no reload, no navigation
    text = card.inner_text()
    assert "Incoming call" in text and "Maria Volkova" in text and "VIP" in text
    assert "Boris Orlov" in card.locator("[data-testid=caller-manager]").inner_text()
    assert order.number in card.locator("[data-testid=caller-orders]").inner_text()
    page.screenshot(path=f"{SHOTS}/push-card-ringing.png")

    ring_end(leg, answered=False)  # rang out here: the card says so
    expect(card.locator("[data-testid=caller-state]")).to_have_text("Call ended unanswered", timeout=BOUND * 1000)
    page.screenshot(path=f"{SHOTS}/push-card-rang-out.png")
    card.locator("[data-call-close]").click()
    expect(card).to_have_count(0)
    assert violations == []


def test_an_unknown_callers_card_makes_a_new_order_for_their_number(live_server, page):
    shop = ShopFactory(name="Green Garden", always_open=True)
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    stranger = Customer.objects.create(shop=shop, name="", phone="+79165550101")  # ring's phone-only customer
    _on_the_desk(page, live_server, "anna")

    started = time.monotonic()
    ring(anna, customer=stranger)
    card = page.locator("[data-testid=caller-card]")
    expect(card).to_be_visible(timeout=BOUND * 1000)
    assert time.monotonic() - started < BOUND
    assert "Unknown caller" in card.inner_text() and "+79165550101" in card.inner_text()
    page.screenshot(path=f"{SHOTS}/push-card-unknown.png")

    card.locator("[data-testid=caller-new-order]").click()
    page.wait_for_url(f"{live_server.url}/orders/new/**")
    assert page.input_value("#id_phone") == "+79165550101"
    assert page.input_value("#id_shop") == str(shop.pk)
    # Still ringing, the card is on this page too, folded to its header out of the form's way.
    expect(card).to_be_visible()
    expect(card.locator(".card-body")).to_be_hidden()
    assert "+79165550101" in card.locator(".card-header").inner_text()
    page.wait_for_selector("[data-testid=known]")  # the number is the caller's record, named by this order
    assert "The desk knows only their phone" in page.locator("[data-testid=known]").inner_text()
    page.fill("#id_name", "Pavel Sokolov")
    page.fill("#id_items-0-name", "Garden hose")
    page.fill("#id_items-0-qty", "1")
    page.fill("#id_items-0-price", "1890")
    page.screenshot(path=f"{SHOTS}/push-new-order-prefilled.png", full_page=True)
    page.click("[data-testid=create-order]")

    page.wait_for_selector(".alert-success")
    order = Order.objects.get()
    assert order.customer_id == stranger.pk  # the caller's record, now with their order
    assert order.customer.phone == "+79165550101" and order.method == Order.Method.PHONE
    assert order.customer.name == "Pavel Sokolov"  # the caller known only by their phone is named now
