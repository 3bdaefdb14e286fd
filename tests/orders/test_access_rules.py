"""Whether a grant covers an order (`grant_refusal`): each of shops, order types, methods and regions is "all"
(None) or the ones listed (empty: none), and the refusal names the first part that does not cover it. No
database: the order and its shop are built in memory."""

import pytest

from orders.models import AccessGrant, Order, Shop
from orders.models.access import grant_refusal

pytestmark = pytest.mark.pure

ALL = {"shop_ids": None, "order_types": None, "methods": None, "regions": None}


def order_of(*, shop_id: int = 1, order_type: str = "b2c", method: str = "cart", region: str = "Moscow") -> Order:
    return Order(
        shop=Shop(pk=shop_id, code="garden", name="Green Garden"),
        order_type=order_type,
        method=method,
        region=region,
    )


def test_a_grant_of_all_of_everything_covers_any_order():
    assert grant_refusal(order_of(shop_id=9, order_type="b2b", method="marketplace", region=""), **ALL) == ""


def test_a_grant_listing_the_orders_shop_type_method_and_region_covers_it():
    granted = {"shop_ids": {1, 2}, "order_types": ["b2c"], "methods": ["cart", "phone"], "regions": ["Moscow"]}
    assert grant_refusal(order_of(), **granted) == ""


@pytest.mark.parametrize(
    ("part", "listed", "refusal"),
    [
        ("shop_ids", {2, 3}, "not granted shop Green Garden"),
        ("order_types", ["b2b"], "not granted B2C orders"),
        ("methods", ["phone"], "not granted method Cart"),
        ("regions", ["Kazan"], "not granted region Moscow"),
    ],
)
def test_a_part_listing_others_refuses_the_order_naming_it_as_people_read_it(part, listed, refusal):
    assert grant_refusal(order_of(), **{**ALL, part: listed}) == refusal


@pytest.mark.parametrize("part", ["shop_ids", "order_types", "methods", "regions"])
def test_a_part_with_nothing_listed_and_all_off_grants_none(part):
    assert grant_refusal(order_of(), **{**ALL, part: set() if part == "shop_ids" else []}) != ""


def test_an_order_with_no_region_is_refused_by_a_list_of_regions_and_said_so():
    assert grant_refusal(order_of(region=""), **{**ALL, "regions": ["Moscow"]}) == "not granted region (none)"


def test_an_order_with_no_region_is_covered_by_all_regions():
    assert grant_refusal(order_of(region=""), **ALL) == ""


def test_the_shop_is_named_first_when_several_parts_refuse():
    nothing = {"shop_ids": set(), "order_types": [], "methods": [], "regions": []}
    assert grant_refusal(order_of(), **nothing) == "not granted shop Green Garden"
    assert grant_refusal(order_of(), **{**nothing, "shop_ids": None}) == "not granted B2C orders"


def test_a_grants_all_flags_stand_for_every_one_whatever_is_listed_beside_them():
    grant = AccessGrant(
        all_shops=True, all_order_types=True, order_types=["b2b"], all_methods=False, methods=["cart"]
    )  # regions: nothing listed, all off
    assert grant.granted() == {"shop_ids": None, "order_types": None, "methods": ["cart"], "regions": []}
    assert grant.refusal_for(order_of(order_type="b2c", region="")) == "not granted region (none)"
