"""The order list: a total, page numbers, a manager filter and the unassigned queue; its cost stays flat."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from core import pagination
from tests.factories import ShopFactory, free_manager, make_order, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    shop = ShopFactory(always_open=True)
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    boris = free_manager(username="boris", first_name="Boris", last_name="I")
    annas = [make_order(shop, manager=anna) for _ in range(2)]
    boriss = [make_order(shop, manager=boris)]
    return {"shop": shop, "anna": anna, "boris": boris, "annas": annas, "boriss": boriss}


def numbers_on(html, orders):
    return {order.number for order in orders if f">{order.number}<" in html}


def test_the_list_filters_by_manager_and_shows_the_unassigned_queue(client, desk):
    ManagerProfile.objects.update(presence=Presence.LUNCH)
    waiting = make_order(desk["shop"])
    everything = desk["annas"] + desk["boriss"] + [waiting]
    client.force_login(supervisor())
    url = reverse("orders:list")
    assert numbers_on(
        client.get(url, {"scope": "all", "manager": desk["anna"].pk}).content.decode(), everything
    ) == {order.number for order in desk["annas"]}
    assert numbers_on(client.get(url, {"scope": "all", "manager": "none"}).content.decode(), everything) == {
        waiting.number
    }
    page = client.get(url, {"scope": "all"}).content.decode()
    assert '<option value="none">Unassigned (in the queue)</option>' in page and "Anna S</option>" in page


def test_the_list_shows_the_total_and_page_numbers(client, desk, monkeypatch):
    for _ in range(3):
        make_order(desk["shop"], manager=desk["anna"])  # 6 orders in all
    client.force_login(supervisor())
    monkeypatch.setattr("orders.views.orders.LIST_PAGE_SIZE", 2)
    page = client.get(reverse("orders:list"), {"scope": "all", "page": 2}).content.decode()
    assert 'data-testid="total">6<' in page
    pages = page.split('data-testid="pages"')[1].split("</ul>")[0]
    assert [n for n in range(1, 6) if f">{n}<" in pages] == [1, 2, 3]  # six orders, two a page
    assert 'aria-current="page"><span class="page-link">2<' in pages


def test_past_the_count_cap_the_total_says_more_than(client, desk, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(supervisor())
    page = client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    assert 'data-testid="total">more than 2<' in page


def test_the_favicon_is_there_even_for_pages_that_name_none(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("favicon.svg")


def test_most_urgent_first_puts_finished_orders_after_every_open_one_on_my_and_all_orders(client, desk):
    from orders.services import order_change_status

    anna = desk["anna"]
    finished = make_order(desk["shop"], manager=anna)
    order_change_status(order=finished, target="cancelled", by=None)
    client.force_login(anna)
    for params in ({}, {"sort": "priority"}, {"scope": "all", "sort": "priority"}):
        page = client.get(reverse("orders:list"), params).content.decode()
        shown = sorted((page.index(f">{order.number}<"), order.number) for order in desk["annas"] + [finished])
        assert shown[-1][1] == finished.number, (params, shown)


def test_a_reversed_date_range_is_refused_on_the_filter_form_with_the_dates_kept_and_not_applied(client, desk):
    everything = desk["annas"] + desk["boriss"]
    today = timezone.localdate(
        desk["annas"][0].created_at
    )  # their day on the desk's clock, as the filter reads it
    start, end = (today + timedelta(days=7)).isoformat(), today.isoformat()
    client.force_login(supervisor())
    response = client.get(reverse("orders:list"), {"scope": "all", "created_after": start, "created_before": end})
    page = response.content.decode()
    assert "Before “Created from”: swap the dates or clear one. The list is not filtered by date." in page
    assert f'name="created_after" value="{start}"' in page and f'name="created_before" value="{end}"' in page
    assert numbers_on(page, everything) == {order.number for order in everything}
