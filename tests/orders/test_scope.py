import pytest
from django.urls import reverse

from orders.selectors import order_scope
from tests.factories import (
    ShopFactory,
    UserFactory,
    free_manager,
    grant,
    inspector,
    make_order,
    manager,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shops():
    return ShopFactory(code="north"), ShopFactory(code="south")


def test_a_manager_sees_the_granted_shop_and_their_own_orders_only(two_shops):
    north, south = two_shops
    user = manager()
    grant(user, shops=[north])
    visible = make_order(north)
    make_order(south)  # in a shop not granted: hidden
    own_elsewhere = make_order(south, manager=user)
    assert set(order_scope(user)) == {visible, own_elsewhere}


@pytest.mark.parametrize(
    ("grant_kwargs", "order_kwargs", "seen"),
    [
        ({"order_types": ["b2b"]}, {"company": True}, True),
        ({"order_types": ["b2b"]}, {"company": False}, False),
        ({"methods": ["phone"]}, {"method": "phone"}, True),
        ({"methods": ["phone"]}, {"method": "cart"}, False),
        ({"regions": ["Moscow"]}, {"region": "Moscow"}, True),
        ({"regions": ["Moscow"]}, {"region": "Kazan"}, False),
        ({}, {"region": "Kazan", "method": "chat"}, True),
    ],
)
def test_a_manager_sees_only_granted_types_methods_and_regions(grant_kwargs, order_kwargs, seen):
    user = manager()
    grant(user, **grant_kwargs)
    order = make_order(**order_kwargs)
    assert order_scope(user).filter(pk=order.pk).exists() is seen


@pytest.mark.parametrize("make_user", [supervisor, inspector], ids=["supervisor", "inspector"])
def test_supervisors_and_inspectors_are_held_to_their_grant_like_managers(two_shops, make_user):
    north, south = two_shops
    user = make_user()
    grant(user, shops=[north], methods=["phone"])
    by_phone, by_cart, elsewhere = (
        make_order(north, method="phone"),
        make_order(north),
        make_order(south, method="phone"),
    )
    assert list(order_scope(user)) == [by_phone]
    assert {by_cart, elsewhere}.isdisjoint(order_scope(user))


@pytest.mark.parametrize("make_user", [supervisor, inspector], ids=["supervisor", "inspector"])
def test_supervisors_and_inspectors_without_a_restriction_see_every_shop(two_shops, make_user):
    orders = {make_order(shop) for shop in two_shops}
    assert set(order_scope(make_user())) == orders


def test_a_staff_supervisor_is_held_to_their_shops_but_a_superuser_sees_all(two_shops):
    north, south = two_shops
    staff_boss = supervisor(is_staff=True)
    grant(staff_boss, shops=[north])
    in_north, in_south = make_order(north), make_order(south)
    assert list(order_scope(staff_boss)) == [in_north]
    assert set(order_scope(UserFactory(is_staff=True, is_superuser=True))) == {in_north, in_south}


def test_the_team_view_lists_only_the_managers_of_the_supervisors_shops(client, two_shops):
    north, south = two_shops
    boss = supervisor()
    grant(boss, shops=[north])
    free_manager(username="northern", first_name="Nina", last_name="North", shops=[north])
    free_manager(username="southern", first_name="Sergei", last_name="South", shops=[south])
    free_manager(username="everywhere", first_name="Eva", last_name="Everywhere")
    client.force_login(boss)
    team = client.get(reverse("dashboard:dashboard")).content.decode().split('data-testid="team"')[1]
    team = team.split("</table>")[0]
    assert "Nina North" in team and "Eva Everywhere" in team and "Sergei South" not in team


def test_admins_see_everything_and_users_without_a_role_nothing(two_shops):
    orders = {make_order(shop) for shop in two_shops}
    assert set(order_scope(UserFactory(is_staff=True, is_superuser=True))) == orders
    assert not order_scope(UserFactory()).exists()


def test_opening_another_shops_order_is_404(client, two_shops):
    north, south = two_shops
    user = manager()
    grant(user, shops=[north])
    foreign = make_order(south)
    client.force_login(user)
    assert client.get(reverse("orders:detail", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("orders:status", args=[foreign.pk]), {"target": "approval", "expected_status": "new"}
    )
    assert response.status_code == 404
    assert client.post(reverse("orders:note", args=[foreign.pk]), {"text": "hi"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "new" and foreign.events.count() == 1


def test_the_list_shows_only_orders_in_scope(client, two_shops):
    north, south = two_shops
    user = manager()
    grant(user, shops=[north])
    mine, theirs = (
        make_order(north, customer_name="Visible Buyer"),
        make_order(south, customer_name="Hidden Buyer"),
    )
    client.force_login(user)
    html = client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    assert mine.number in html and "Visible Buyer" in html
    assert theirs.number not in html and "Hidden Buyer" not in html


def test_the_list_filters_and_searches(client):
    user = manager()
    shop = ShopFactory()
    by_phone = make_order(shop, manager=user, phone="+79997776655", method="phone")
    by_cart = make_order(shop, manager=user, customer_name="Zinaida Cart", method="cart")
    client.force_login(user)

    def numbers(**params):
        html = client.get(reverse("orders:list"), params).content.decode()
        return {order.number for order in (by_phone, by_cart) if f">{order.number}<" in html}

    assert numbers() == {by_phone.number, by_cart.number}
    assert numbers(method="phone") == {by_phone.number}
    assert numbers(q="7776655") == {by_phone.number}
    assert numbers(q="zinaida") == {by_cart.number}
    assert numbers(q=by_cart.number) == {by_cart.number}
    assert numbers(q=by_cart.number.lower()) == {by_cart.number}
    assert numbers(q=by_phone.external_id) == {by_phone.number}
    assert numbers(overdue="true") == set()
    assert numbers(status="approval") == set()


def test_the_mine_tab_holds_only_my_orders(client):
    user = manager()
    shop = ShopFactory()
    mine, colleagues = make_order(shop, manager=user), make_order(shop, manager=manager())
    client.force_login(user)
    html = client.get(reverse("orders:list")).content.decode()
    assert f">{mine.number}<" in html and f">{colleagues.number}<" not in html
    # The colleague's order is hidden by the tab, not by the scope: the "all" tab shows it.
    everything = client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    assert f">{mine.number}<" in everything and f">{colleagues.number}<" in everything


def test_a_search_matching_more_customers_than_listed_one_by_one_still_finds_all_their_orders(client, monkeypatch):
    """Past SEARCH_CUSTOMERS matching customers the search reads them as a subquery: nothing is left out."""
    from orders import filters

    monkeypatch.setattr(filters, "SEARCH_CUSTOMERS", 1)
    user = manager()
    shop = ShopFactory()
    orders = [make_order(shop, manager=user, customer_name=f"Zoya Broad {n}") for n in range(3)]
    other = make_order(shop, manager=user, customer_name="Someone Else")
    client.force_login(user)
    html = client.get(reverse("orders:list"), {"q": "zoya broad"}).content.decode()
    assert all(f">{order.number}<" in html for order in orders) and f">{other.number}<" not in html
