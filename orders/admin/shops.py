"""Shops (with their storefront keys) and the desk-wide settings."""

from django.contrib import admin, messages

from orders.admin.durations import HumanDurationsAdmin, duration_column
from orders.models import DeskSettings, Shop
from orders.services import shop_issue_api_key


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "timezone", "hours", "has_api_key"]
    search_fields = ["name", "code"]
    actions = ["issue_api_key"]

    @admin.display(description="Hours")
    def hours(self, shop):
        return shop.hours_label

    @admin.display(boolean=True, description="API key")
    def has_api_key(self, shop):
        return bool(shop.api_key_hash)

    @admin.action(description="Issue a new API key (the old one stops working)")
    def issue_api_key(self, request, queryset):
        for shop in queryset:
            key = shop_issue_api_key(shop=shop)
            self.message_user(
                request,
                f"New API key for {shop.code}: {key} — copy it now, it is not shown again.",
                messages.WARNING,
            )


class SingletonSettingsAdmin(HumanDurationsAdmin, admin.ModelAdmin):
    """One row: it can be edited, never added twice or deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeskSettings)
class DeskSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "grace"]
    grace = duration_column("escalation_grace", "Escalation grace")
