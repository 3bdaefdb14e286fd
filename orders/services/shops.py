"""Shop writes: storefront keys."""

import secrets

from django.db import transaction

from orders.models import Shop, hash_api_key


@transaction.atomic
def shop_issue_api_key(*, shop: Shop, key: str | None = None) -> str:
    """A fresh storefront key (random unless given, as the demo does); the previous one stops working at
    once. Only the hash is kept."""
    key = key or f"od_{shop.code}_{secrets.token_urlsafe(32)}"
    Shop.objects.filter(pk=shop.pk).update(api_key_hash=hash_api_key(key))
    shop.api_key_hash = hash_api_key(key)
    return key
