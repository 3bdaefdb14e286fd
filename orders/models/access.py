"""What each member of staff is granted: shops, order types, methods, regions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from orders.models.orders import Order
from orders.models.shops import Shop


class AccessGrant(models.Model):
    """What a member of staff may see and work on. An empty list means all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grant")
    shops = models.ManyToManyField(Shop, blank=True, related_name="access_grants")
    order_types = models.JSONField(default=list, blank=True)
    methods = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"Access of {self.user}"

    def refusal_for(self, order: "Order") -> str:
        """Why this grant does not cover the order ('' when it does). Reads the prefetched shops."""
        shop_ids = [shop.pk for shop in self.shops.all()]
        if shop_ids and order.shop_id not in shop_ids:
            return f"not granted shop {order.shop.code}"
        if self.order_types and order.order_type not in self.order_types:
            return f"not granted {order.get_order_type_display()} orders"
        if self.methods and order.method not in self.methods:
            return f"not granted method {order.get_method_display()}"
        if self.regions and order.region not in self.regions:
            return f"not granted region {order.region or '(none)'}"
        return ""

    def clean(self):
        errors = {}
        for field, choices in (("order_types", Order.Type), ("methods", Order.Method)):
            unknown = set(getattr(self, field) or []) - set(choices.values)
            if unknown:
                errors[field] = f"Unknown values: {', '.join(sorted(unknown))}."
        if errors:
            raise ValidationError(errors)
