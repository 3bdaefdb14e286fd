"""A grant gives each of shops, order types, methods and regions either "all" (including any added later) or the
ones listed: nothing listed with "all" off gives none, to the scope and to routing alike; old grants keep what
they gave; regions are chosen from those orders come from; the admin form says what it will do."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from assignment.models import AssignmentDecision
from orders.models import AccessGrant, Order
from orders.selectors import managers_covering_user_shops, order_scope, shop_scope, supervisors_covering_shop
from tests.factories import ShopFactory, free_manager, grant, make_order, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops():
    return ShopFactory(code="garden", name="Green Garden"), ShopFactory(code="gadgets", name="Gadget Point")


def test_a_grant_of_no_shops_without_all_shops_sees_nothing_and_is_routed_nothing(shops):
    nobody_shops = free_manager(username="noshops")
    AccessGrant.objects.create(
        user=nobody_shops, all_order_types=True, all_methods=True, all_regions=True
    )  # every shop unticked
    boss = supervisor(username="boss")
    AccessGrant.objects.create(user=boss, all_order_types=True, all_methods=True, all_regions=True)
    order = make_order(shops[0])
    assert order.manager is None  # the only free manager is granted no shop: it waits
    assert not order_scope(nobody_shops).exists() and not order_scope(boss).exists()
    assert not shop_scope(boss).exists()
    assert not supervisors_covering_shop(shop_id=shops[0].pk).filter(pk=boss.pk).exists()
    assert not managers_covering_user_shops(boss).exists()


@pytest.mark.parametrize("part", ["order_types", "methods", "regions"])
def test_nothing_ticked_of_types_methods_or_regions_gives_no_orders_either(shops, part):
    user = free_manager(username="narrow")
    everything = {"all_shops": True, "all_order_types": True, "all_methods": True, "all_regions": True}
    AccessGrant.objects.create(user=user, **{**everything, f"all_{part}": False})
    order = make_order(shops[0], region="North")
    assert order.manager is None and not order_scope(user).exists()


def test_all_shops_covers_every_shop_including_one_added_later(shops):
    anna = free_manager(username="anna")
    grant(anna)  # all of everything
    boss = supervisor(username="boss")
    grant(boss)
    later = ShopFactory(code="later")
    order = make_order(later)
    assert order.manager == anna
    assert order_scope(boss).filter(pk=order.pk).exists() and shop_scope(boss).filter(pk=later.pk).exists()
    assert supervisors_covering_shop(shop_id=later.pk).filter(pk=boss.pk).exists()


def test_a_grant_of_one_shop_is_routed_only_that_shops_orders(shops):
    garden_only = free_manager(username="garden")
    grant(garden_only, shops=[shops[0]])
    assert make_order(shops[0]).manager == garden_only
    waiting = make_order(shops[1])
    assert waiting.manager is None
    assert order_scope(garden_only).filter(pk=waiting.pk).exists() is False


def test_the_migration_keeps_what_old_grants_gave_an_empty_list_was_all(shops):
    """Written before the flags: empty lists meant all; a listed shop or region still narrows."""
    migration = import_module("orders.migrations.0020_accessgrant_all_or_listed")
    old_all = AccessGrant.objects.create(user=free_manager(username="old_all"))
    narrow = AccessGrant.objects.create(user=free_manager(username="narrow"), regions=["North"], methods=["phone"])
    narrow.shops.set([shops[0]])
    migration.empty_meant_all(apps, None)
    old_all.refresh_from_db()
    narrow.refresh_from_db()
    assert (old_all.all_shops, old_all.all_order_types, old_all.all_methods, old_all.all_regions) == (True,) * 4
    assert (narrow.all_shops, narrow.all_order_types, narrow.all_methods, narrow.all_regions) == (
        False,
        True,
        False,
        False,
    )
    order = make_order(shops[1])
    assert order_scope(old_all.user).filter(pk=order.pk).exists()
    assert not order_scope(narrow.user).filter(pk=order.pk).exists()


def _form(user, **changes):
    data = {"user": user.pk, "all_shops": "on", "all_order_types": "on", "all_methods": "on", "all_regions": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_region_no_order_has_come_from_is_refused_and_one_orders_come_from_is_accepted(admin_client, shops):
    make_order(shops[0], region="North")
    anna = free_manager(username="anna")
    url = reverse("admin:orders_accessgrant_add")
    for nonsense in ["; ;; Narnia", "Narnia", "north "]:
        response = admin_client.post(url, _form(anna, all_regions=None, regions=[nonsense]))
        assert response.status_code == 200, nonsense
        assert "Select a valid choice" in response.content.decode()
    assert not AccessGrant.objects.exists()
    response = admin_client.post(url, _form(anna, all_regions=None, regions=["North"]))
    assert response.status_code == 302
    assert AccessGrant.objects.get(user=anna).regions == ["North"]


def test_a_region_an_old_grant_names_but_no_order_has_is_shown_and_refused_until_unticked(admin_client, shops):
    make_order(shops[0], region="North")
    anna = free_manager(username="anna")
    access = AccessGrant.objects.create(user=anna, all_shops=True, all_order_types=True, all_methods=True)
    AccessGrant.objects.filter(pk=access.pk).update(regions=["North", "Narnia"])
    url = reverse("admin:orders_accessgrant_change", args=[access.pk])
    page = admin_client.get(url).content.decode()
    assert "Narnia (no order has come from it)" in page
    response = admin_client.post(url, _form(anna, all_regions=None, regions=["North", "Narnia"]))
    assert "No order has come from Narnia" in response.content.decode()
    assert admin_client.post(url, _form(anna, all_regions=None, regions=["North"])).status_code == 302


def test_all_and_some_ticked_at_once_is_refused_rather_than_guessed(admin_client, shops):
    anna = free_manager(username="anna")
    response = admin_client.post(reverse("admin:orders_accessgrant_add"), _form(anna, shops=[shops[0].pk]))
    assert "Either all shops, or the ones chosen: not both" in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_the_form_says_what_none_ticked_and_all_mean(admin_client, shops):
    page = admin_client.get(reverse("admin:orders_accessgrant_add")).content.decode()
    assert "Every one of the shops, including any added later." in page
    assert "no shops, so this person sees no orders and routing gives them none." in page


def test_the_saved_grant_says_in_words_what_it_gives(admin_client, shops):
    anna = free_manager(username="anna", first_name="Anna", last_name="Petrova")
    response = admin_client.post(reverse("admin:orders_accessgrant_add"), _form(anna, all_shops=None))
    assert response.status_code == 302
    access = AccessGrant.objects.get(user=anna)
    assert (access.all_shops, list(access.shops.all())) == (False, [])
    page = admin_client.get(reverse("admin:orders_accessgrant_change", args=[access.pk])).content.decode()
    assert "Shops: none · Order types: all · Methods: all · Regions: all" in page
    assert "No shops: sees no orders (but those they hold) and is routed none." in page
    listing = admin_client.get(reverse("admin:orders_accessgrant_changelist")).content.decode()
    assert "Anna Petrova" in listing and 'field-shop_list">none<' in listing


def test_a_manager_with_no_shops_can_take_nothing_from_the_queue(shops):
    from assignment.exceptions import AssignmentRefused
    from assignment.services import order_take

    order = make_order(shops[0])
    anna = free_manager(username="anna")
    AccessGrant.objects.create(user=anna, all_order_types=True, all_methods=True, all_regions=True)
    with pytest.raises(AssignmentRefused, match="not granted shop Green Garden"):
        order_take(order_id=order.pk, user=anna)
    assert not AssignmentDecision.objects.exists() and Order.objects.get(pk=order.pk).manager is None
