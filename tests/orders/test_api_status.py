"""The order status API for the storefront: `GET /api/v1/orders/<external_id>/` and the changes list
`GET /api/v1/orders/?updated_since=…&cursor=…&limit=…`. Scoped by the shop's key (another shop's order is a 404,
never a 403), the same key and rate-limit rules as intake, errors as JSON in English, pages that neither skip nor
repeat an order and cost the same queries however many orders there are."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import ApiRateWindow, Order, OrderEvent
from orders.selectors import order_document
from orders.services import api_key_revoke, order_add_note, order_change_status, shop_issue_api_key
from tests.factories import ShopFactory, free_manager, make_order, msk, supervisor

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/orders/"


@pytest.fixture
def shop():
    return ShopFactory(code="garden", always_open=True, api_requests_per_minute=1000)


@pytest.fixture
def key(shop):
    return shop_issue_api_key(shop=shop)


def get(client, url, key, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(url, params, headers=headers)


def status_url(external_id):
    return reverse("api_order_status", args=[external_id])


def test_the_shops_order_answers_with_its_document(client, shop, key):
    anna = free_manager(username="anna", first_name="Anna")
    order = make_order(shop, external_id="web-7", manager=anna)
    order_change_status(order=order, target="approval", by=anna)
    response = get(client, status_url("web-7"), key)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == order_document(order)
    assert response.json()["status"]["code"] == "approval" and response.json()["manager"] == {"first_name": "Anna"}


def test_another_shops_order_is_not_found_as_an_unknown_one_is(client, shop, key):
    other = ShopFactory(code="gadgets")
    make_order(other, external_id="web-7")
    theirs, unknown = get(client, status_url("web-7"), key), get(client, status_url("web-404"), key)
    assert theirs.status_code == unknown.status_code == 404  # never 403: the order's existence is not told
    assert theirs.json() == {"error": "No order 'web-7' in this shop."}


def test_an_id_intake_never_takes_is_not_found_not_a_crash(client, shop, key):
    assert get(client, status_url("x" * 65), key).status_code == 404
    assert get(client, "/api/v1/orders/web%00x/", key).status_code == 404


@pytest.mark.parametrize("url", [status_url("web-7"), CHANGES])
def test_no_key_a_wrong_key_a_revoked_key_and_a_staff_session_get_401(client, shop, key, url):
    make_order(shop, external_id="web-7")
    assert get(client, url, None).status_code == 401
    assert get(client, url, "nope").status_code == 401
    boss = supervisor(username="boss")
    client.force_login(boss)
    session_only = get(client, url, None)
    assert session_only.status_code == 401 and session_only["WWW-Authenticate"] == 'Bearer realm="orderdesk"'
    assert session_only.json() == {"error": "Missing or wrong API key."}
    client.logout()
    api_key_revoke(key=shop.api_keys.get())
    assert get(client, url, key).status_code == 401


def test_reads_share_the_shops_rate_limit_with_its_writes(client, key, shop):
    shop.api_requests_per_minute = 2
    shop.save()
    make_order(shop, external_id="web-7")
    with time_machine.travel(msk(2026, 11, 23, 12, 0, 10), tick=False):
        assert get(client, status_url("web-7"), key).status_code == 200
        intake = client.post(
            CHANGES, "{}", content_type="application/json", headers={"Authorization": f"Bearer {key}"}
        )
        assert intake.status_code == 400  # counted though refused
        refused = get(client, CHANGES, key)
    assert refused.status_code == 429 and refused["Retry-After"] == "50"
    assert ApiRateWindow.objects.get(shop=shop).count == 3


def test_reading_records_nothing_on_the_order(client, shop, key):
    order = make_order(shop, external_id="web-7")
    before = (order.updated_at, OrderEvent.objects.count())
    get(client, status_url("web-7"), key)
    get(client, CHANGES, key)
    order.refresh_from_db()
    assert (order.updated_at, OrderEvent.objects.count()) == before


def test_other_methods_are_refused_with_405(client, shop, key):
    make_order(shop, external_id="web-7")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post(status_url("web-7"), {}, headers=headers).status_code == 405
    assert client.delete(CHANGES, headers=headers).status_code == 405
    assert client.delete(CHANGES, headers=headers)["Allow"] == "GET, POST"


def test_an_unknown_api_address_answers_json_not_the_desks_page(client, key):
    response = get(client, "/api/v1/orders/web-7", key)  # no trailing slash
    assert response.status_code == 404
    assert response.json() == {
        "error": "No such API address: /api/v1/orders/web-7 (the API's addresses end with a slash)."
    }
    assert get(client, "/api/v2/", key).json() == {"error": "No such API address: /api/v2/."}


# The changes list.


NOON = msk(2026, 11, 23, 12, 0)


def make_orders(shop, count, start=NOON, first=0):
    """Orders each changed a second after the one before, two of them at the same moment (told apart by id)."""
    made = []
    for n in range(count):
        with time_machine.travel(start + timedelta(seconds=n - (n == 1)), tick=False):
            made.append(make_order(shop, external_id=f"web-{first + n}"))
    return made


def all_pages(client, key, **params):
    pages, cursor = [], None
    while True:
        response = get(client, CHANGES, key, **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.content
        pages.append([document["external_id"] for document in response.json()["orders"]])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


def test_pages_follow_updated_at_then_id_and_neither_skip_nor_repeat(client, shop, key):
    made = make_orders(shop, 7)
    make_orders(ShopFactory(code="gadgets"), 3)  # another shop's: never listed
    assert made[0].updated_at == made[1].updated_at
    pages = all_pages(client, key, limit=3)
    assert pages == [["web-0", "web-1", "web-2"], ["web-3", "web-4", "web-5"], ["web-6"]]


def test_updated_since_is_inclusive_and_a_changed_order_comes_again(client, shop, key):
    made = make_orders(shop, 4)
    since = made[2].updated_at.isoformat()
    assert all_pages(client, key, updated_since=since) == [["web-2", "web-3"]]
    anna = free_manager(username="anna")
    with time_machine.travel(msk(2026, 11, 23, 13, 0), tick=False):
        order_change_status(order=made[0], target="approval", by=anna)
    assert all_pages(client, key, updated_since=since) == [["web-2", "web-3", "web-0"]]


def test_a_plus_sent_unescaped_in_the_query_string_still_reads(client, shop, key):
    make_orders(shop, 3)  # at 12:00:00, 12:00:00 and 12:00:02 Moscow time
    # ?updated_since=2026-11-23T12:00:01+03:00 typed as is: the query string makes the "+" a space.
    response = client.get(
        f"{CHANGES}?updated_since=2026-11-23T12:00:01+03:00", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    assert [document["external_id"] for document in response.json()["orders"]] == ["web-2"]


def test_the_limit_defaults_to_50_and_goes_up_to_200(client, shop, key):
    make_orders(shop, 51)
    first = get(client, CHANGES, key).json()
    assert len(first["orders"]) == 50 and first["next_cursor"]
    assert len(get(client, CHANGES, key, limit=200).json()["orders"]) == 51


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-11-23T12:00:00"}, "updated_since"),  # no offset: whose noon?
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"2026-11-23T09:00:00|x").decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"2026-11-23T09:00:00|5").decode()}, "cursor"),  # naive
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_an_unreadable_moment_cursor_or_limit_is_400_in_english(client, shop, key, settings, params, field):
    settings.LANGUAGE_CODE = "ru"  # the desk speaks Russian; developers read the API's errors in English
    response = get(client, CHANGES, key, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Invalid query." and list(body["fields"]) == [field]
    assert all(message.isascii() for message in body["fields"][field])


def test_a_page_costs_the_same_queries_at_5_and_at_50_orders(client, shop, key):
    anna = free_manager(username="anna")

    def page_queries(count):
        have = Order.objects.filter(shop=shop).count()
        for order in make_orders(shop, count - have, msk(2026, 11, 24, 9, 0), first=have):
            order_change_status(order=order, target="approval", by=anna)
            order_add_note(order=order, by=anna, text="internal")
        with time_machine.travel(msk(2026, 11, 24, 10, 0, 5), tick=False):
            get(client, CHANGES, key, limit=1)  # the minute's rate counter and the key's last use are written
            with CaptureQueriesContext(connection) as queries:
                response = get(client, CHANGES, key, limit=200)
        assert len(response.json()["orders"]) == count
        return len(queries)

    # The key, the rate counter, the orders, their items, carrier reports and status lines, the statuses.
    assert page_queries(5) == page_queries(50) == 7
