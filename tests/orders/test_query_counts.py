import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignment.models import RoutingSettings
from orders.services import order_add_note, order_change_status, shop_issue_api_key
from tests.factories import ShopFactory, free_manager, make_order, make_task, manager, supervisor

pytestmark = pytest.mark.django_db


def queries_for(client, url, params=None) -> int:
    """Queries of one page view in a running session (a session's first request in a minute also renews it)."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx)


def test_the_order_list_costs_the_same_with_10_and_200_orders(client):
    user = manager()
    shop = ShopFactory()
    client.force_login(user)
    for _ in range(10):
        make_order(shop, manager=user)
    searched = {"scope": "all", "page": 3, "q": "Customer"}
    small = queries_for(client, reverse("orders:list"))
    small_searched = queries_for(client, reverse("orders:list"), searched)
    for n in range(190):
        order = make_order(shop, manager=user)
        if n % 4 == 0:  # the queue page also lists the manager's tasks
            make_task(order, assignee=user)
    assert queries_for(client, reverse("orders:list")) == small
    assert queries_for(client, reverse("orders:list"), searched) == small_searched


def test_the_order_page_costs_the_same_with_a_short_and_a_long_history_and_many_tasks(client):
    user = manager()
    order = make_order(manager=user)
    client.force_login(user)
    short = queries_for(client, reverse("orders:detail", args=[order.pk]))
    for n in range(100):
        order_add_note(order=order, by=user, text=f"note {n}")
    for n in range(20):
        make_task(order, assignee=manager(), by=user, text=f"t{n}")
    order_change_status(order=order, target="approval", by=user)
    assert queries_for(client, reverse("orders:detail", args=[order.pk])) == short


def test_the_dashboard_costs_the_same_with_10_and_200_open_orders_and_their_tasks(client):
    client.force_login(supervisor())
    shop = ShopFactory()
    for _ in range(10):
        make_order(shop)
    small = queries_for(client, reverse("dashboard:dashboard"))
    for n in range(190):
        order = make_order(shop, manager=manager())
        if n % 5 == 0:  # overdue tasks are listed too
            make_task(order, assignee=order.manager, by=None)
    assert queries_for(client, reverse("dashboard:dashboard")) == small


# Per routed order, whatever the team or the history (51 before validation stopped re-checking in queries
# what the forms and the database constraints already guard); one more reads the triggers of the first status,
# one counts the request against the shop's rate limit. 27 since routing a new order neither locks and reads it
# again nor looks for earlier holders and timeouts it cannot have, and adds no savepoints of its own. 25 since
# the unique constraint alone tells a repeat (no look-up before every new order) and the answer is the order as
# routing left it (not read again). 24 since the manager's row lock also notes their last assignment. 26 since the
# shop's webhook endpoints are read for the order's arrival and for its manager (one query each; none written). 27
# since the first status is asked whether it calls the customer on entry (seed 004's auto-dial).
INTAKE_QUERIES = 27


def test_intake_with_routing_costs_a_fixed_number_of_queries_whatever_the_team_and_history(client):
    shop = ShopFactory(always_open=True)
    key = shop_issue_api_key(shop=shop)
    RoutingSettings.load()

    def intake(n: int) -> int:
        body = {
            "external_id": f"web-{n}",
            "customer": {"name": "Ivan", "phone": f"+7916111{n:04d}"},
            "items": [{"name": "Teapot", "qty": 1, "price": 10}, {"name": "Cup", "qty": 2, "price": 5}],
        }
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                "/api/v1/orders/",
                body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )
        assert response.status_code == 201 and response.json()["manager"] is not None
        return len(ctx)

    free_manager(quota=1000)
    intake(0)  # the key's first use is noted once; after that, at most once a minute
    small = intake(1)
    for _ in range(20):
        free_manager(quota=1000)
    for n in range(2, 40):
        intake(n)
    assert small == intake(100) == INTAKE_QUERIES
