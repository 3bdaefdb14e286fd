"""The storefront's changes list on PostgreSQL with a shop's worth of history: each page is a range read of the
(shop, updated_at, id) index that stops after the page, chosen by the planner on its own (fresh statistics, no
planner settings forced), for the first page and for a page in the middle."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order
from orders.selectors import cursor_decode, order_changes
from tests.factories import CustomerFactory, ShopFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PER_SHOP = 10_000


def history(shop, customer):
    """PER_SHOP orders, changed one second apart, oldest first (bulk_create stamps them all now; one UPDATE spreads
    them out as years of history would)."""
    now = timezone.now()
    Order.objects.bulk_create(
        (Order(shop=shop, customer=customer, status_entered_at=now) for _ in range(PER_SHOP)), batch_size=5000
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order SET updated_at = %s - (%s - id) * interval '1 second' WHERE shop_id = %s",
            [now, 10 * PER_SHOP, shop.pk],
        )


def plan_of_orders_query(run) -> str:
    """The plan PostgreSQL chooses for the orders query of a page (the first query `run` makes)."""
    with CaptureQueriesContext(connection) as ctx:
        run()
    orders_query = next(q["sql"] for q in ctx.captured_queries if 'FROM "orders_order"' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {orders_query}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_pages_read_the_updated_index_at_twenty_thousand_orders():
    shop, other = ShopFactory(code="garden"), ShopFactory(code="gadgets")
    history(shop, CustomerFactory(shop=shop))
    history(other, CustomerFactory(shop=other))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    assert Order.objects.count() == 2 * PER_SHOP

    since = (
        Order.objects.filter(shop=shop).order_by("updated_at").values_list("updated_at", flat=True)[PER_SHOP // 2]
    )
    first = order_changes(shop=shop, since=since, after=None, limit=50)
    middle = cursor_decode(first.next_cursor)

    for plan in (
        plan_of_orders_query(lambda: order_changes(shop=shop, since=since, after=None, limit=50)),
        plan_of_orders_query(lambda: order_changes(shop=shop, since=since, after=middle, limit=50)),
        plan_of_orders_query(lambda: order_changes(shop=shop, since=None, after=None, limit=200)),
    ):
        assert "order_updated_idx" in plan, plan
        assert "Sort" not in plan and "Seq Scan" not in plan, plan  # read in index order, stopped at the limit
