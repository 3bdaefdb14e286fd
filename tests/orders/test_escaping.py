"""What customers, storefronts and staff type is shown as text, never run as HTML, on every page that shows it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from orders.models import CallScript, Status
from orders.services import order_add_note, orders_flag_overdue
from tests.factories import ShopFactory, grant, make_order, make_task, manager, supervisor

pytestmark = pytest.mark.django_db

RAW_MARKUP = ("<script>", "<img src=x")


def hostile(label: str) -> str:
    """Text that would run script if a page printed it unescaped: a tag, and a break out of an attribute."""
    return f'<script>alert("{label}")</script>"><img src=x onerror=alert("{label}")>'


@pytest.fixture
def hostile_order():
    """An order whose customer, item, note, task, call script and manager all carry markup."""
    shop = ShopFactory(always_open=True)
    Status.objects.filter(code="new").update(time_limit=timedelta(minutes=1))
    anna = manager(username="anna", first_name=hostile("manager"))
    grant(anna, shops=[shop])
    order = make_order(
        shop,
        manager=anna,
        customer_name=hostile("customer"),
        items=[{"sku": "X-1", "name": hostile("item"), "qty": 1, "price": 10}],
    )
    order_add_note(order=order, by=anna, text=hostile("note"))
    make_task(order, assignee=anna, text=hostile("task"), due_at=timezone.now() - timedelta(minutes=1))
    CallScript.objects.create(shop=shop, greeting=hostile("script") + " Hello {{ customer.name }}")
    orders_flag_overdue(now=timezone.now() + timedelta(minutes=5))
    return order, anna


def assert_shown_as_text(html: str, labels: list[str]) -> None:
    for label in labels:
        assert escape(hostile(label)) in html, f"{label} is not shown (escaped) on the page"
    for markup in RAW_MARKUP:
        assert markup not in html


def test_the_order_page_shows_typed_markup_as_text(client, hostile_order):
    order, anna = hostile_order
    client.force_login(anna)
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert_shown_as_text(html, ["customer", "item", "note", "task", "script", "manager"])


def test_the_order_list_and_my_tasks_show_typed_markup_as_text(client, hostile_order):
    _, anna = hostile_order
    client.force_login(anna)
    html = client.get(reverse("orders:list")).content.decode()
    assert_shown_as_text(html, ["customer", "task", "manager"])


def test_the_dashboard_shows_typed_markup_as_text(client, hostile_order):
    client.force_login(supervisor())
    html = client.get(reverse("dashboard:dashboard")).content.decode()
    # The order is overdue and its task is past due: both sections, and the team view, show the names.
    assert_shown_as_text(html, ["customer", "task", "manager"])
