"""Storefront keys: several per shop, each named, with when it was last used, revocable at once; and the
per-shop request counter that the rate limit reads (in the database, so every web process shares it)."""

from django.db import models
from django.db.models import Q

from orders.models.shops import Shop


class ApiKey(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80, help_text='What uses it, e.g. "website" or "mobile app, 2026".')
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=24, editable=False, help_text="The key's first characters, to tell keys apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["shop", "-created_at"]
        verbose_name = "storefront key"
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "name"], condition=Q(revoked_at__isnull=True), name="apikey_unique_live_name"
            )
        ]

    def __str__(self):
        return f"{self.shop.code}: {self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ApiRateWindow(models.Model):
    """How many storefront requests a shop made in one minute."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "window"], name="ratewindow_once_per_minute")]

    def __str__(self):
        return f"{self.shop_id} @ {self.window:%H:%M}: {self.count}"
