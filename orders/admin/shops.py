"""Shops (with their storefront keys) and the desk-wide settings."""

from django.contrib import admin, messages

from orders.admin.audit import AuditedAdmin
from orders.admin.durations import HumanDurationsAdmin, duration_column
from orders.models import ApiKey, DeskSettings, Shop
from orders.services import api_key_revoke, shop_issue_api_key


class ApiKeyInline(admin.TabularInline):
    """A shop's storefront keys: named, with their last use; revoked ones stay listed."""

    model = ApiKey
    extra = 0
    can_delete = False
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shop)
class ShopAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "timezone", "hours", "live_keys", "api_requests_per_minute"]
    search_fields = ["name", "code"]
    inlines = [ApiKeyInline]

    @admin.display(description="Hours")
    def hours(self, shop):
        return shop.hours_label

    @admin.display(description="Live keys")
    def live_keys(self, shop):
        return shop.api_keys.filter(revoked_at__isnull=True).count()


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Issue a key by naming it (the key is shown once, then only its hash is kept); revoke one to stop it at once.
    Issuing a live name again rotates that key."""

    list_display = ["shop", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["shop", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["shop"]
    fields = ["shop", "name"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        key = shop_issue_api_key(shop=obj.shop, name=obj.name, by=request.user)
        saved = ApiKey.objects.get(shop=obj.shop, name=obj.name.strip(), revoked_at__isnull=True)
        obj.pk, obj.key_hash, obj.prefix = saved.pk, saved.key_hash, saved.prefix
        self.message_user(
            request,
            f"Key “{obj.name}” for {obj.shop.code}: {key} — copy it now, it is not shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key, by=request.user)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)


class SingletonSettingsAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    """One row: it can be edited, never added twice or deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeskSettings)
class DeskSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "grace"]
    grace = duration_column("escalation_grace", "Escalation grace")
