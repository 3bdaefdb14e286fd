"""What each member of staff is granted: shops, order types, methods, regions, each "all" or the ones listed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.people import staff_name
from orders.models.conversations import Conversation
from orders.models.orders import Order
from orders.models.shops import Shop


class AccessGrant(models.Model):
    """What a member of staff may see and work on. Shops, order types, methods and regions are each either "all"
    (the flag: every one, including any added later) or the ones listed; nothing listed and "all" off grants
    none. (Staff with no grant at all are not restricted.)"""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grant", verbose_name=_("user")
    )
    all_shops = models.BooleanField(
        _("all shops"), default=False, help_text=_("Every shop, including shops added later.")
    )
    shops = models.ManyToManyField(Shop, blank=True, related_name="access_grants", verbose_name=_("shops"))
    all_order_types = models.BooleanField(_("all order types"), default=False)
    order_types = models.JSONField(_("order types"), default=list, blank=True)
    all_methods = models.BooleanField(_("all methods"), default=False)
    methods = models.JSONField(_("methods"), default=list, blank=True)
    all_regions = models.BooleanField(
        _("all regions"), default=False, help_text=_("Every region, including orders with no region.")
    )
    regions = models.JSONField(_("regions"), default=list, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")

    def __str__(self):
        return gettext("Access of %(name)s") % {"name": staff_name(self.user)}

    def granted(self) -> dict:
        """The grant as `grant_refusal` reads it: None for "all", else the values listed. Reads the prefetched
        shops."""
        return {
            "shop_ids": None if self.all_shops else {shop.pk for shop in self.shops.all()},
            "order_types": None if self.all_order_types else self.order_types,
            "methods": None if self.all_methods else self.methods,
            "regions": None if self.all_regions else self.regions,
        }

    def refusal_for(self, order: "Order") -> str:
        """Why this grant does not cover the order ('' when it does). Reads the prefetched shops."""
        return grant_refusal(order, **self.granted())

    def clean(self):
        errors = {}
        for field, choices in (("order_types", Order.Type), ("methods", Order.Method)):
            unknown = set(getattr(self, field) or []) - set(choices.values)
            if unknown:
                errors[field] = gettext("Unknown values: %(values)s.") % {"values": ", ".join(sorted(unknown))}
        unknown = set(self.regions or []) - set(regions_on_orders(among=self.regions or []))
        if unknown:
            errors["regions"] = gettext("No order has come from %(regions)s: choose regions orders come from.") % {
                "regions": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


def regions_on_orders(*, among=None) -> list[str]:
    """The regions orders have come from (those of `among` only, when given), in order: what a grant may name."""
    orders = Order.objects.exclude(region="")
    if among is not None:
        orders = orders.filter(region__in=among)
    return list(orders.order_by("region").values_list("region", flat=True).distinct())


def shop_refusal(item: Order | Conversation, *, shop_ids: set[int] | None) -> str:
    """Why a grant of these shops (None: all) does not cover the order's or conversation's shop ('' when it
    does): all a grant asks of a conversation, the first thing it asks of an order."""
    if shop_ids is not None and item.shop_id not in shop_ids:
        return gettext("not granted shop %(shop)s") % {"shop": item.shop.name}  # as people call it, not its code
    return ""


def grant_refusal(order: Order, *, shop_ids, order_types, methods, regions) -> str:
    """Why a grant of these shops, types, methods and regions (None: all; empty: none) does not cover the order
    ('' when it does). Routing calls it with plain values read in bulk, so a team of a thousand builds no model
    objects."""
    if refusal := shop_refusal(order, shop_ids=shop_ids):
        return refusal
    if order_types is not None and order.order_type not in order_types:
        return gettext("not granted %(type)s orders") % {"type": order.get_order_type_display()}
    if methods is not None and order.method not in methods:
        return gettext("not granted method %(method)s") % {"method": order.get_method_display()}
    if regions is not None and order.region not in regions:
        return gettext("not granted region %(region)s") % {"region": order.region or gettext("(none)")}
    return ""
