"""Storefront keys: several per shop, each named, with when it was last used, revocable at once; and the
per-shop request counter that the rate limit reads (in the database, so every web process shares it)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models.shops import Shop


class ApiKey(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("shop"))
    name = models.CharField(
        _("name"), max_length=80, help_text=_('What uses it, e.g. "website" or "mobile app, 2026".')
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"), max_length=24, editable=False, help_text=_("The key's first characters, to tell keys apart.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("storefront key")
        verbose_name_plural = _("storefront keys")
        ordering = ["shop", "-created_at"]
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

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", verbose_name=_("shop"))
    window = models.DateTimeField(_("window"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("storefront request count")
        verbose_name_plural = _("storefront request counts")
        constraints = [models.UniqueConstraint(fields=["shop", "window"], name="ratewindow_once_per_minute")]

    def __str__(self):
        return f"{self.shop_id} @ {self.window:%H:%M}: {self.count}"
