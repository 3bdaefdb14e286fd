"""Shop writes: storefront keys (issued, used, revoked) and the per-shop request counter of the rate limit."""

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from orders.exceptions import OrderError
from orders.models import ApiKey, ApiRateWindow, SettingChange, Shop, hash_api_key
from orders.services.audit import setting_change_record, setting_snapshot

# A key's last use is written at most this often: a busy storefront must not write a row per request.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def shop_issue_api_key(
    *, shop: Shop, name: str = "default", key: str | None = None, by: User | None = None
) -> str:
    """A new storefront key for the shop under this name (random unless given, as the demo does). The shop's
    other keys keep working, so a storefront can move to the new one without downtime; a live key of the same
    name is revoked, so issuing "website" again rotates the website's key. Each issue and revocation is a line of
    the settings' audit trail (`by`: who; never the key itself, only its prefix)."""
    name = name.strip()
    if not name:
        raise OrderError(gettext("Name the key after what uses it, e.g. website."))
    key = key or f"od_{shop.code}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    for rotated in ApiKey.objects.select_for_update().filter(shop=shop, name=name, revoked_at__isnull=True):
        _key_revoke(rotated, now=now, by=by)
    ApiKey.objects.filter(key_hash=hash_api_key(key)).delete()  # the demo's fixed key, issued again
    issued = ApiKey.objects.create(shop=shop, name=name, key_hash=hash_api_key(key), prefix=key[:16])
    setting_change_record(
        obj=issued, actor=by, action=SettingChange.Action.CREATED, before={}, after=_key_audited(issued)
    )
    return key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by: User | None = None) -> ApiKey:
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        _key_revoke(locked, now=timezone.now(), by=by)
    key.refresh_from_db()
    return key


def _key_revoke(key: ApiKey, *, now: datetime, by: User | None) -> None:
    before = _key_audited(key)
    key.revoked_at = now
    key.save(update_fields=["revoked_at"])
    setting_change_record(
        obj=key, actor=by, action=SettingChange.Action.CHANGED, before=before, after=_key_audited(key)
    )


def _key_audited(key: ApiKey) -> dict[str, Any]:
    # The hash stays out of the trail as the key does: the prefix names the key well enough.
    return {field: value for field, value in setting_snapshot(key).items() if field != "key_hash"}


def api_key_authenticate(*, raw_key: str, now: datetime | None = None) -> Shop | None:
    """The shop a live key belongs to (None for an unknown or revoked key); notes when the key was used."""
    now = now or timezone.now()
    try:  # get(), not first(): the hash is unique, so no ordering to compile and run on every request
        key = ApiKey.objects.select_related("shop").get(key_hash=hash_api_key(raw_key), revoked_at__isnull=True)
    except ApiKey.DoesNotExist:
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.shop


def api_rate_take(*, shop: Shop, now: datetime | None = None) -> int | None:
    """Count one storefront request in the shop's current minute; over its limit, the seconds until the next
    minute (for Retry-After), else None. The count is a row, so every web process counts together."""
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    count = _count_request(shop, window)
    if count is None:
        try:
            with transaction.atomic():
                ApiRateWindow.objects.create(shop=shop, window=window, count=1)
            count = 1
        except IntegrityError:  # another process opened the minute first
            count = _count_request(shop, window)
            assert count is not None  # the row the other process opened
        else:  # a new minute: the shop's old ones are no longer read
            ApiRateWindow.objects.filter(shop=shop, window__lt=window - timedelta(minutes=5)).delete()
    if count <= shop.api_requests_per_minute:
        return None
    return max(1, math.ceil(60 - (now - window).total_seconds()))


def _count_request(shop: Shop, window: datetime) -> int | None:
    """One more request in the minute, and the minute's count, in one statement (None: no row yet)."""
    table, count, minute = (
        connection.ops.quote_name(name) for name in (ApiRateWindow._meta.db_table, "count", "window")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {count} = {count} + 1 WHERE shop_id = %s AND {minute} = %s RETURNING {count}",
            [shop.pk, connection.ops.adapt_datetimefield_value(window)],
        )
        row = cursor.fetchone()
    return row[0] if row else None
