"""Storefront keys: several named keys per shop working at once (rotation without downtime), the last use noted,
a revoked key stopped at once; and the per-shop rate limit: 429 with Retry-After past the limit, each shop
counted apart, a new minute starting afresh, on every storefront endpoint."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orders.models import ApiKey, Shop
from orders.services import api_key_revoke, shop_issue_api_key
from tests.factories import ShopFactory, make_order

pytestmark = pytest.mark.django_db
MINUTE = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)


def intake(client, key, n=1):
    return client.post(
        "/api/v1/orders/",
        {"external_id": f"web-{n}", "customer": {"name": "Ivan", "phone": f"+7916111{n:04d}"},
         "items": [{"name": "Teapot", "qty": 1, "price": 10}]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )  # fmt: skip


@pytest.fixture
def shop():
    return ShopFactory(code="garden", always_open=True, api_requests_per_minute=3)


def test_two_named_keys_work_at_once_and_a_revoked_one_stops_at_once(client, shop):
    website = shop_issue_api_key(shop=shop, name="website")
    app = shop_issue_api_key(shop=shop, name="mobile app")
    assert intake(client, website, 1).status_code == 201
    assert intake(client, app, 2).status_code == 201
    api_key_revoke(key=ApiKey.objects.get(name="website"))
    assert intake(client, website, 3).status_code == 401
    assert intake(client, app, 3).status_code == 201


def test_issuing_a_live_name_again_rotates_that_key(client, shop):
    old = shop_issue_api_key(shop=shop, name="website")
    new = shop_issue_api_key(shop=shop, name="website")
    assert intake(client, old, 1).status_code == 401 and intake(client, new, 2).status_code == 201
    assert ApiKey.objects.filter(shop=shop, name="website", revoked_at__isnull=True).count() == 1


def test_a_keys_last_use_is_noted_at_most_once_a_minute(client, shop):
    key = shop_issue_api_key(shop=shop, name="website")
    with time_machine.travel(MINUTE, tick=False):
        intake(client, key, 1)
    assert ApiKey.objects.get().last_used_at == MINUTE
    with time_machine.travel(MINUTE + timedelta(seconds=30), tick=False):
        intake(client, key, 2)
    assert ApiKey.objects.get().last_used_at == MINUTE
    with time_machine.travel(MINUTE + timedelta(minutes=2), tick=False):
        intake(client, key, 3)
    assert ApiKey.objects.get().last_used_at == MINUTE + timedelta(minutes=2)


def test_past_the_limit_the_storefront_gets_429_with_retry_after_and_the_next_minute_starts_afresh(client, shop):
    key = shop_issue_api_key(shop=shop, name="website")
    with time_machine.travel(MINUTE + timedelta(seconds=15), tick=False):
        codes = [intake(client, key, n).status_code for n in range(3)]
        refused = intake(client, key, 9)
    assert codes == [201, 201, 201]
    assert (
        refused.status_code == 429
        and refused["Retry-After"] == "45"
        and "Too many requests" in refused.json()["error"]
    )
    with time_machine.travel(MINUTE + timedelta(minutes=1), tick=False):
        assert intake(client, key, 9).status_code == 201


def test_two_shops_are_counted_apart_and_all_of_a_shops_keys_together(client, shop):
    other = ShopFactory(code="gadgets", always_open=True, api_requests_per_minute=3)
    website, app = shop_issue_api_key(shop=shop, name="website"), shop_issue_api_key(shop=shop, name="app")
    theirs = shop_issue_api_key(shop=other, name="website")
    with time_machine.travel(MINUTE, tick=False):
        assert [intake(client, k, n).status_code for n, k in enumerate([website, app, website])] == [201, 201, 201]
        assert intake(client, app, 7).status_code == 429
        assert intake(client, theirs, 8).status_code == 201


def test_the_payment_endpoint_is_limited_too(client, shop):
    key = shop_issue_api_key(shop=shop, name="website")
    make_order(shop, external_id="web-1")
    url = reverse("api_order_payment", args=["web-1"])
    with time_machine.travel(MINUTE, tick=False):
        codes = [
            client.post(url, {"state": "paid", "amount": 1}, content_type="application/json",
                        headers={"Authorization": f"Bearer {key}"}).status_code
            for _ in range(4)
        ]  # fmt: skip
    assert codes == [200, 200, 200, 429]


def test_the_admin_issues_a_named_key_once_and_revokes_keys(admin_client, shop):
    response = admin_client.post(
        reverse("admin:orders_apikey_add"), {"shop": shop.pk, "name": "website"}, follow=True
    )
    html = response.content.decode()
    key = ApiKey.objects.get()
    assert "copy it now" in html and key.prefix in html
    admin_client.post(
        reverse("admin:orders_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert admin_client.get(reverse("admin:orders_shop_change", args=[shop.pk])).status_code == 200


def test_a_shop_refuses_a_limit_of_zero():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Shop(code="x", name="X", api_requests_per_minute=0).full_clean()


def test_issuing_rotating_and_revoking_a_key_in_admin_are_setting_changes_with_who(admin_client, admin_user, shop):
    from orders.models import SettingChange

    url = reverse("admin:orders_apikey_add")
    admin_client.post(url, {"shop": shop.pk, "name": "website"})
    first = ApiKey.objects.get()
    admin_client.post(url, {"shop": shop.pk, "name": "website"})  # issued again: the first one is revoked
    second = ApiKey.objects.exclude(pk=first.pk).get()
    admin_client.post(
        reverse("admin:orders_apikey_changelist"), {"action": "revoke", "_selected_action": [second.pk]}
    )
    changes = list(SettingChange.objects.filter(model="orders.apikey").order_by("pk"))
    assert [(change.action, change.object_id) for change in changes] == [
        ("created", str(first.pk)),
        ("changed", str(first.pk)),
        ("created", str(second.pk)),
        ("changed", str(second.pk)),
    ]
    assert all(change.actor == admin_user for change in changes)
    assert changes[0].after["name"] == "website" and changes[0].after["prefix"] == first.prefix
    assert changes[1].before == {"revoked_at": None} and changes[1].after["revoked_at"] is not None
    assert not any("key_hash" in change.after for change in changes)  # the trail never holds the key
