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
        return grant_refusal(
            order,
            shop_ids={shop.pk for shop in self.shops.all()},
            order_types=self.order_types,
            methods=self.methods,
            regions=self.regions,
        )

    def clean(self):
        errors = {}
        for field, choices in (("order_types", Order.Type), ("methods", Order.Method)):
            unknown = set(getattr(self, field) or []) - set(choices.values)
            if unknown:
                errors[field] = f"Unknown values: {', '.join(sorted(unknown))}."
        if errors:
            raise ValidationError(errors)


def grant_refusal(order: Order, *, shop_ids: set[int], order_types, methods, regions) -> str:
    """Why a grant of these shops, types, methods and regions (empty: all) does not cover the order ('' when it
    does). Routing calls it with plain values read in bulk, so a team of a thousand builds no model objects."""
    if shop_ids and order.shop_id not in shop_ids:
        return f"not granted shop {order.shop.code}"
    if order_types and order.order_type not in order_types:
        return f"not granted {order.get_order_type_display()} orders"
    if methods and order.method not in methods:
        return f"not granted method {order.get_method_display()}"
    if regions and order.region not in regions:
        return f"not granted region {order.region or '(none)'}"
    return ""
