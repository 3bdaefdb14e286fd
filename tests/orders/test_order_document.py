"""The order as the storefront sees it (`orders.selectors.order_document`): what the status API answers and
webhooks carry. Its parts, what its history leaves out, its cost for many orders, and that every change a
storefront can see moves the order's `updated_at` (what pollers page by)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order, Status
from orders.selectors import order_document, order_documents
from orders.services import (
    customer_anonymise,
    order_add_note,
    order_change_status,
    order_edit,
    order_record_call,
    order_record_delivery,
    order_record_payment,
    order_set_manager,
    task_create,
)
from tests.factories import ShopFactory, free_manager, make_order, msk

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, code="garden", currency="RUB")


@pytest.fixture
def anna():
    return free_manager(username="anna", first_name="Anna", last_name="Smirnova")


def test_a_new_order_reads_as_the_storefront_sent_it(shop):
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order(
            shop,
            external_id="web-1",
            delivery_address="Moscow, Arbat 5",
            payment_method="card_online",
            delivery_method="courier",
            delivery_date=date(2026, 11, 25),
            delivery_time_from=time(14),
            delivery_time_to=time(16, 30),
            items=[
                {"sku": "A1", "name": "Teapot", "qty": 2, "price": Decimal("450.5")},
                {"sku": "", "name": "Cup", "qty": 1, "price": Decimal("99")},
            ],
        )
    assert order_document(order) == {
        "number": order.number,
        "external_id": "web-1",
        "status": {"code": "new", "name": Status.objects.get(code="new").name},
        "payment": {
            "state": "unpaid",
            "method": "card_online",
            "paid": "0.00",
            "due": "1000.00",
            "currency": "RUB",
        },
        "items": [
            {"sku": "A1", "name": "Teapot", "qty": 2, "price": "450.50"},
            {"sku": "", "name": "Cup", "qty": 1, "price": "99.00"},
        ],
        "total": "1000.00",
        "delivery": {
            "method": "courier",
            "address": "Moscow, Arbat 5",
            "date": "2026-11-25",
            "time_from": "14:00",
            "time_to": "16:30",
            "carrier": None,
            "tracking_code": None,
            "state": None,
            "timeline": [],
        },
        "manager": None,
        "history": [
            {"at": "2026-11-23T09:00:00+00:00", "kind": "status", "text": Status.objects.get(code="new").name}
        ],
        "created_at": "2026-11-23T09:00:00+00:00",
        "updated_at": "2026-11-23T09:00:00+00:00",
    }


def test_payment_due_is_the_balance_and_never_below_zero(shop):
    order = make_order(shop, items=[{"sku": "A1", "name": "Teapot", "qty": 1, "price": Decimal("1000")}])
    order_record_payment(order=order, state="paid", amount=Decimal("400"))
    assert order_document(order)["payment"] == {
        "state": "partly_paid",
        "method": None,
        "paid": "400.00",
        "due": "600.00",
        "currency": "RUB",
    }
    order_record_payment(order=order, state="paid", amount=Decimal("700"))
    assert order_document(order)["payment"]["due"] == "0.00"


def test_delivery_carries_the_latest_report_and_the_timeline_in_the_carriers_order(shop, anna):
    order = make_order(shop, manager=anna)
    later, earlier = msk(2026, 11, 24, 15, 0), msk(2026, 11, 24, 10, 0)
    order_record_delivery(order=order, carrier="CDEK", state="in_transit", at=later, tracking_code="CDEK-1")
    order_record_delivery(order=order, carrier="CDEK", state="accepted", at=earlier, location="Moscow, Arbat 5")
    delivery = order_document(order)["delivery"]
    assert delivery["carrier"] == "CDEK" and delivery["tracking_code"] == "CDEK-1"
    assert delivery["state"] == "in_transit"  # the carrier's latest, not the last to arrive
    assert delivery["timeline"] == [
        {"state": "accepted", "at": "2026-11-24T07:00:00+00:00", "location": "Moscow, Arbat 5"},
        {"state": "in_transit", "at": "2026-11-24T12:00:00+00:00", "location": None},
    ]


def test_the_manager_is_known_by_first_name_only(shop, anna):
    order = make_order(shop, manager=anna)
    assert order_document(order)["manager"] == {"first_name": "Anna"}


def test_history_is_the_statuses_and_carrier_reports_and_nothing_the_staff_wrote(shop, anna):
    """Notes, calls, tasks, hand-overs, the matrix refusing a carrier's move and the staff's names are the desk's
    business: the customer reads the statuses by the shop's names and the carrier's reports."""
    Status.objects.filter(code="approval").update(name="Confirming with you")
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order(shop, manager=anna)
    with time_machine.travel(msk(2026, 11, 23, 12, 5), tick=False):
        order_add_note(order=order, by=anna, text="Secret: customer is rude, Anna thinks")
        order_record_call(order=order, by=anna, outcome="reached", note="talked about the discount")
        task_create(
            customer=order.customer,
            order=order,
            assignee=anna,
            by=anna,
            kind="call",
            text="Call back",
            due_at=timezone.now(),
        )
        order_change_status(order=order, target="approval", by=anna)
    bob = free_manager(username="bob", first_name="Bob", last_name="Builder")
    with time_machine.travel(msk(2026, 11, 23, 12, 10), tick=False):
        order_set_manager(order=order, manager=bob, by=anna, reason="holiday")
        order_record_delivery(
            order=order, carrier="CDEK", state="in_transit", at=msk(2026, 11, 23, 12, 7), location="Tver"
        )
    document = order_document(order)
    assert document["history"] == [
        {"at": "2026-11-23T09:00:00+00:00", "kind": "status", "text": Status.objects.get(code="new").name},
        {"at": "2026-11-23T09:05:00+00:00", "kind": "status", "text": "Confirming with you"},
        {"at": "2026-11-23T09:07:00+00:00", "kind": "delivery", "text": "CDEK: in transit (Tver)"},
    ]
    said = repr(document)
    for secret in ("Secret", "discount", "Call back", "holiday", "Smirnova", "Builder", "anna", "bob"):
        assert secret not in said
    assert document["manager"] == {"first_name": "Bob"}


def test_history_is_said_in_the_shops_customers_language(anna):
    shop = ShopFactory(always_open=True, customer_language="ru")
    order = make_order(shop, manager=anna)
    order_record_delivery(order=order, carrier="CDEK", state="in_transit", at=timezone.now(), location="Тверь")
    assert order_document(order)["history"][-1]["text"] == "CDEK: в пути (Тверь)"


def test_many_orders_cost_the_same_queries_as_a_few(shop, anna):
    def cost(count):
        for _ in range(count - Order.objects.count()):
            order = make_order(shop, manager=anna)
            order_change_status(order=order, target="approval", by=anna)
            order_record_delivery(order=order, carrier="CDEK", state="accepted", at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            documents = order_documents(Order.objects.order_by("pk"))
        assert len(documents) == count
        return len(queries)

    assert cost(2) == cost(12) == 5  # orders with shop and manager, items, carrier reports, status lines, statuses


# Every change the document shows moves `updated_at`, so a storefront polling `updated_since` sees it.
START = msk(2026, 11, 23, 12, 0)
LATER = START + timedelta(minutes=7)


def changed_at(order) -> str:
    order.refresh_from_db()
    return order_document(order)["updated_at"]


def kept_items(order):
    return [{"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()]


@pytest.fixture
def placed(shop, anna):
    with time_machine.travel(START, tick=False):
        return make_order(shop, manager=anna, delivery_address="Moscow, Arbat 5")


def test_a_carrier_report_moves_updated_at_even_when_the_status_stays(placed):
    with time_machine.travel(LATER, tick=False):
        order_record_delivery(order=placed, carrier="CDEK", state="accepted", at=LATER, tracking_code="CDEK-9")
    assert changed_at(placed) == "2026-11-23T09:07:00+00:00"
    assert order_document(placed)["delivery"]["tracking_code"] == "CDEK-9"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda order, by: order_change_status(order=order, target="approval", by=by), id="status"),
        pytest.param(
            lambda order, by: order_record_payment(order=order, state="paid", amount=Decimal("10")), id="payment"
        ),
        pytest.param(lambda order, by: order_set_manager(order=order, manager=None, by=by), id="manager"),
        pytest.param(
            lambda order, by: order_edit(
                order=order, by=by, seen_at=order.updated_at, items=kept_items(order), delivery_address="Tver"
            ),
            id="edit",
        ),
        pytest.param(lambda order, by: customer_anonymise(customer=order.customer, by=by), id="anonymised"),
    ],
)
def test_each_change_the_storefront_sees_moves_updated_at(placed, anna, change):
    placed.refresh_from_db()
    before = order_document(placed)
    with time_machine.travel(LATER, tick=False):
        change(placed, anna)
    after = changed_at(placed)
    assert after == "2026-11-23T09:07:00+00:00"
    assert {key: value for key, value in order_document(placed).items() if key != "updated_at"} != {
        key: value for key, value in before.items() if key != "updated_at"
    }
