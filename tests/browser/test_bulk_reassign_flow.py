import pytest

from assignment.models import Presence
from assignment.services import presence_set
from orders.models import Task
from tests.browser.test_claim_flow import log_in_as
from tests.factories import PASSWORD, ShopFactory, free_manager, grant, make_order, make_task, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_hands_two_orders_with_their_tasks_to_another_manager(live_server, browser, tmp_path):
    shop = ShopFactory(always_open=True, name="Green Garden")
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    boris = free_manager(username="boris", first_name="Boris", last_name="Ivanov", shops=[shop])
    presence_set(user=boris, presence=Presence.LUNCH)  # both orders are routed to Anna
    boss = supervisor(username="boss", first_name="Svetlana", last_name="Orlova")
    grant(boss, shops=[shop])
    orders = [make_order(shop, customer_name=name) for name in ("Maria Volkova", "Pavel Lebedev")]
    assert all(order.manager == anna for order in orders)
    for order in orders:
        make_task(order, assignee=anna, by=boss, text=f"Confirm delivery for {order.customer.name}")

    def as_user(username):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return context, page

    boss_context, page = as_user("boss")
    page.goto(f"{live_server.url}/orders/?scope=all")
    for order in orders:
        page.check(f"[data-testid=tick][value='{order.pk}']")
    page.select_option("#bulk-reassign select[name=manager]", str(boris.pk))
    page.fill("#bulk-reassign input[name=reason]", "Anna is off sick")
    page.click("#bulk-reassign button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "are now with Boris Ivanov" in page.locator(".alert-success").inner_text()
    page.screenshot(path=tmp_path / "bulk-reassign.png", full_page=True)
    boss_context.close()

    boris_context, page = as_user("boris")
    page.goto(f"{live_server.url}/orders/")
    mine = page.locator("main").inner_text()
    for order in orders:
        assert order.number in mine and f"Confirm delivery for {order.customer.name}" in mine
    assert page.locator("[data-testid=my-tasks] [data-testid=task]").count() == 2
    boris_context.close()

    anna_context, page = as_user("anna")
    page.goto(f"{live_server.url}/orders/")
    assert page.locator("[data-testid=unread-count]").inner_text() == "2"  # the two "went to Boris" notices
    page.goto(f"{live_server.url}/notifications/?show=unread")
    unread = page.locator("[data-testid=notification]")
    assert unread.count() == 2
    texts = unread.all_inner_texts()
    assert all("went to Boris Ivanov: Anna is off sick" in text for text in texts)
    assert (
        page.locator("[data-testid=notification] button", has_text="Open").count() == 0
    )  # nothing points at them
    assert not Task.objects.filter(assignee=anna, done_at__isnull=True).exists()
    anna_context.close()


def test_after_a_refusal_unticking_the_refused_order_sends_only_the_others(live_server, browser, tmp_path):
    """The refused form comes back ticked; each order has a tick in the table and one in its (hidden) phone
    card, and unticking one must untick both, or the hidden one still sends the order and it is refused again."""
    garden, gadgets = ShopFactory(always_open=True, code="garden"), ShopFactory(always_open=True, code="gadgets")
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[garden])
    free_manager(username="dmitry", first_name="Dmitry", last_name="Sokolov", shops=[gadgets])
    boris = free_manager(username="boris", first_name="Boris", last_name="Ivanov", shops=[garden])
    presence_set(user=boris, presence=Presence.LUNCH)
    ours, foreign = make_order(garden), make_order(gadgets)
    assert ours.manager == anna
    supervisor(username="boss")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in_as(page, live_server, "boss")
    page.goto(f"{live_server.url}/orders/?scope=all")
    for order in (ours, foreign):
        page.check(f"[data-testid=tick][value='{order.pk}']")
    page.select_option("#bulk-reassign select[name=manager]", str(boris.pk))
    page.fill("#bulk-reassign input[name=reason]", "Anna is off sick")
    page.click("#bulk-reassign button[type=submit]")
    page.wait_for_selector(".alert-danger")
    assert page.is_checked(f"[data-testid=tick][value='{foreign.pk}']")
    assert page.input_value("#bulk-reassign input[name=reason]") == "Anna is off sick"
    page.uncheck(f"[data-testid=tick][value='{foreign.pk}']")
    page.click("#bulk-reassign button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.screenshot(path=tmp_path / "bulk-after-refusal.png", full_page=True)
    assert f"{ours.number} is now with Boris Ivanov." in page.locator(".alert-success").inner_text()
    ours.refresh_from_db(), foreign.refresh_from_db()
    assert (ours.manager, foreign.manager.username) == (boris, "dmitry")
    context.close()
