"""Changing an open order as the customer asks: one history line per change in the shop's words, the total
follows, a stale page is refused, closed orders and other people's scope are out of reach."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from assignment.models import AssignmentDecision
from orders.exceptions import OrderError, StaleOrder
from orders.models import Order, OrderEvent
from orders.services import order_change_status, order_edit, order_set_manager
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order, manager, msk

pytestmark = pytest.mark.django_db

HOSE = [{"sku": "GR-101", "name": "Garden hose", "qty": 1, "price": Decimal("1890")}]


@pytest.fixture
def anna():
    return free_manager(username="anna", first_name="Anna", last_name="S")


@pytest.fixture
def order(anna):
    return make_order(ShopFactory(always_open=True), items=HOSE, delivery_address="Tverskaya 1")


def rows_of(order):
    return [{"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()]


def edit(order, by, items=None, **fields):
    current = {f: getattr(order, f) for f in ("delivery_address", "delivery_date", "tracking_code", "comment")}
    return order_edit(
        order=order, by=by, seen_at=order.updated_at, items=items or rows_of(order), **(current | fields)
    )


def edit_posted(order, **changes) -> dict:
    """The edit page's form as posted for an order with one item, the hose, changed by `changes`."""
    (item,) = order.items.all()
    return {
        "seen_at": order.updated_at.isoformat(),
        "delivery_address": order.delivery_address,
        "delivery_date": "",
        "tracking_code": "",
        "comment": "",
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 1,
        "items-MIN_NUM_FORMS": 1,
        "items-MAX_NUM_FORMS": 1000,
        "items-0-id": item.pk,
        "items-0-sku": item.sku,
        "items-0-name": item.name,
        "items-0-qty": item.qty,
        "items-0-price": str(item.price),
    } | changes


def history(order):
    return list(order.events.filter(kind=OrderEvent.Kind.EDIT).order_by("pk").values_list("text", flat=True))


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"delivery_address": "Arbat 5"}, "Delivery address: Tverskaya 1 → Arbat 5"),
        ({"delivery_date": date(2026, 11, 27)}, "Delivery date: — → 27 Nov"),
        ({"tracking_code": "CDEK-123"}, "Tracking code: — → CDEK-123"),
        ({"comment": "Leave at the door"}, "Comment: — → Leave at the door"),
    ],
)
def test_each_delivery_field_change_is_one_history_line(order, anna, fields, line):
    assert edit(order, anna, **fields) == [line]
    assert history(order) == [line]
    assert all(getattr(order, key) == value for key, value in fields.items())


def test_item_changes_are_told_in_the_shops_words_and_the_total_follows(order, anna):
    rows = rows_of(order)
    rows[0]["qty"] = 2
    rows.append({"sku": "", "name": "Watering can", "qty": 1, "price": Decimal("700")})
    edit(order, anna, items=rows)
    assert history(order) == ["Garden hose: quantity 1 → 2", "Added 1 × Watering can at 700"]
    assert order.total == Decimal("4480")
    rows = rows_of(order)[1:]  # the hose goes
    rows[0]["price"] = Decimal("650")
    edit(order, anna, items=rows)
    assert history(order)[2:] == ["Removed 2 × Garden hose", "Watering can: price 700 → 650"]
    assert order.total == Decimal("650")


def test_an_edit_counts_as_taking_the_order_up(order, anna):
    decision = AssignmentDecision.objects.get(order=order)
    assert decision.manager == anna and decision.accepted_at is None
    edit(order, anna, tracking_code="X-1")
    decision.refresh_from_db()
    assert decision.accepted_at is not None


def test_a_stale_edit_is_refused_not_merged(order, anna):
    stale = Order.objects.get(pk=order.pk)
    edit(order, anna, comment="First")
    with pytest.raises(StaleOrder, match="changed since you opened it"):
        edit(stale, anna, comment="Second")
    order.refresh_from_db()
    assert order.comment == "First" and history(order) == ["Comment: — → First"]


def test_a_closed_order_cannot_be_edited(order, anna):
    order_change_status(order=order, target="cancelled", by=anna, reason="changed mind")
    with pytest.raises(OrderError, match="closed"):
        edit(order, anna, comment="too late")


def test_nothing_changed_writes_no_history(order, anna):
    assert edit(order, anna) == [] and history(order) == []


def test_the_edit_page_saves_through_the_form_and_keeps_input_on_refusal(client, order, anna):
    client.force_login(anna)
    url = reverse("orders:edit", args=[order.pk])
    assert 'data-testid="edit-form"' in client.get(url).content.decode()
    data = edit_posted(order, **{"delivery_address": "Arbat 5", "items-0-qty": 0})
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in refused.content.decode()
    assert "Arbat 5" in refused.content.decode()
    data["items-0-qty"] = 3
    response = client.post(url, data, follow=True)
    assert (
        "Saved: Delivery address: Tverskaya 1 → Arbat 5; Garden hose: quantity 1 → 3." in response.content.decode()
    )
    order.refresh_from_db()
    assert order.total == 3 * 1890


def test_people_outside_the_order_or_who_only_read_cannot_edit(client, order):
    outsider = manager()
    grant(outsider, shops=[ShopFactory()])
    client.force_login(outsider)
    assert client.get(reverse("orders:edit", args=[order.pk])).status_code == 404
    client.force_login(inspector())
    assert client.get(reverse("orders:edit", args=[order.pk])).status_code == 403


def test_after_an_edit_the_order_page_no_longer_asks_the_manager_to_take_it_up(client, order, anna):
    client.force_login(anna)
    url = reverse("orders:detail", args=[order.pk])
    assert 'data-testid="take-up"' in client.get(url).content.decode()
    edit(order, anna, tracking_code="X-1")
    assert 'data-testid="take-up"' not in client.get(url).content.decode()


def test_a_refused_edit_shows_the_row_marked_for_removal_as_marked(client, order, anna):
    client.force_login(anna)
    data = edit_posted(order, **{"items-TOTAL_FORMS": 2, "items-0-DELETE": "on"})
    refused = client.post(reverse("orders:edit", args=[order.pk]), data | {"items-TOTAL_FORMS": 1})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Add at least one item." in page
    (hose_row,) = [row for row in page.split("<tr data-row")[1:] if 'value="Garden hose"' in row]
    assert hose_row.startswith(' data-removed class="item-removed"')
    assert 'name="items-0-DELETE"' in hose_row and "checked" in hose_row.split('name="items-0-DELETE"')[1][:40]
    # Kept as shown: adding an item and saving removes the marked one, as the page said it would.
    data.update({"items-1-name": "Watering can", "items-1-qty": 1, "items-1-price": "700"})
    response = client.post(reverse("orders:edit", args=[order.pk]), data, follow=True)
    assert "Removed 1 × Garden hose" in response.content.decode()
    assert list(order.items.values_list("name", flat=True)) == ["Watering can"]


def test_a_changed_delivery_date_is_planned_from_today_but_a_past_one_already_there_may_stay(client, order, anna):
    client.force_login(anna)
    url = reverse("orders:edit", args=[order.pk])
    refused = client.post(url, edit_posted(order, delivery_date="2020-03-01"))
    assert refused.status_code == 400 and "This date has passed" in refused.content.decode()
    past = timezone.localdate() - timedelta(days=10)
    Order.objects.filter(pk=order.pk).update(delivery_date=past)
    order.refresh_from_db()
    kept = client.post(url, edit_posted(order, delivery_date=past.isoformat(), tracking_code="CDEK-1"))
    assert kept.status_code == 302
    order.refresh_from_db()
    assert order.tracking_code == "CDEK-1" and order.delivery_date == past


def test_a_comment_sent_back_with_the_browsers_line_endings_is_not_an_edit(client, anna):
    order = make_order(ShopFactory(always_open=True), items=HOSE, comment="Ring twice.\nLeave at the door.")
    grant(anna, shops=[order.shop])
    order_set_manager(order=order, manager=anna)
    order.refresh_from_db()
    client.force_login(anna)
    data = edit_posted(order, comment="Ring twice.\r\nLeave at the door.", tracking_code="CDEK-1")
    response = client.post(reverse("orders:edit", args=[order.pk]), data)
    assert response.status_code == 302
    assert history(order) == ["Tracking code: — → CDEK-1"]


@pytest.mark.parametrize(
    ("address", "shown"),
    [("Tverskaya 1", "Tverskaya 1, 27 Nov"), ("", "27 Nov")],
)
def test_the_order_page_writes_the_delivery_date_as_its_history_line_does(client, order, anna, address, shown):
    Order.objects.filter(pk=order.pk).update(delivery_address=address, delivery_date=date(2026, 11, 27))
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f'<div data-testid="delivery"><div class="muted-small">Delivery</div>{shown}</div>' in page


def test_a_russian_reader_edits_a_price_and_a_delivery_date_as_russian_writes_them(client, settings, order, anna):
    client.force_login(anna)
    settings.LANGUAGE_CODE = "ru"
    url = reverse("orders:edit", args=[order.pk])
    with time_machine.travel(msk(2026, 12, 7, 13, 0), tick=False), translation.override("ru"):
        shown = client.get(url).content.decode()
        data = edit_posted(order, **{"items-0-price": "1890,50", "delivery_date": "09.12.2026"})
        assert client.post(url, data).status_code == 302
    assert 'value="1890,00"' in shown  # the price box writes the comma it takes
    order.refresh_from_db()
    assert order.total == Decimal("1890.50") and order.delivery_date == date(2026, 12, 9)
