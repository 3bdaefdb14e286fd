from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from orders.models import (
    AccessGrant,
    CallScript,
    Customer,
    DeskSettings,
    NoAnswerStep,
    Order,
    OrderEvent,
    OrderItem,
    Shop,
    Status,
    StatusTransition,
    Task,
)
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


class StatusTransitionInline(admin.TabularInline):
    model = StatusTransition
    fk_name = "source"
    extra = 1
    verbose_name = "allowed next status"
    verbose_name_plural = "allowed next statuses (the status matrix)"
    filter_horizontal = ["groups"]


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "position", "colour_swatch", "time_limit", "is_final"]
    list_editable = ["position", "time_limit"]
    list_filter = ["group", "is_final"]
    inlines = [StatusTransitionInline]

    def get_readonly_fields(self, request, obj=None):
        # Orders store the code: renaming it would orphan them.
        return ["code"] if obj else []

    @admin.display(description="Colour")
    def colour_swatch(self, status):
        return format_html(
            '<span style="background:{};padding:2px 12px;border-radius:4px">&nbsp;</span>', status.colour
        )


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "phone", "email", "legal_type", "is_vip", "responsible_manager"]
    list_filter = ["shop", "legal_type", "is_vip"]
    search_fields = ["name", "phone", "email"]
    list_select_related = ["shop", "responsible_manager"]
    raw_id_fields = ["responsible_manager"]

    def has_delete_permission(self, request, obj=None):
        # No one erases a customer by mistake; only a superuser can.
        return request.user.is_superuser


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    readonly_fields = ["sku", "name", "qty", "price"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ["created_at", "kind", "text", "actor"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-mostly: the status moves only on the order page, through the status matrix."""

    list_display = ["number", "shop", "customer", "status", "is_overdue", "manager", "total", "created_at"]
    list_filter = ["shop", "status", "is_overdue", "method", "order_type", "payment_state"]
    search_fields = ["number", "external_id", "customer__name", "customer__phone"]
    list_select_related = ["shop", "customer", "manager"]
    date_hierarchy = "created_at"
    fields = [
        "number",
        "shop",
        "external_id",
        "customer",
        "order_type",
        "method",
        "region",
        "total",
        "payment_state",
        "paid_amount",
        "status",
        "status_entered_at",
        "deadline",
        "is_overdue",
        "manager",
        "cancel_reason",
        "rating",
        "comment",
        "delivery_address",
        "delivery_date",
        "tracking_code",
    ]
    # Staff may fix delivery details and notes; everything else comes from the storefront or the services.
    readonly_fields = [
        field
        for field in fields
        if field not in {"region", "comment", "delivery_address", "delivery_date", "tracking_code"}
    ]
    inlines = [OrderItemInline, OrderEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "order", "kind", "text", "actor"]
    list_filter = ["kind"]
    search_fields = ["order__number", "text"]
    list_select_related = ["order", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccessGrantForm(forms.ModelForm):
    order_types = forms.MultipleChoiceField(
        choices=Order.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None = all.",
    )
    methods = forms.MultipleChoiceField(
        choices=Order.Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None = all.",
    )
    regions = forms.CharField(required=False, help_text="Comma-separated; empty = all regions.")

    class Meta:
        model = AccessGrant
        fields = ["user", "shops", "order_types", "methods", "regions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["regions"] = ", ".join(self.instance.regions)

    def clean_regions(self):
        return [region.strip() for region in self.cleaned_data["regions"].split(",") if region.strip()]


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    form = AccessGrantForm
    list_display = ["user", "shop_list", "order_types", "methods", "regions"]
    filter_horizontal = ["shops"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("shops")

    @admin.display(description="Shops")
    def shop_list(self, grant):
        return ", ".join(shop.code for shop in grant.shops.all()) or "all"


class SingletonSettingsAdmin(admin.ModelAdmin):
    """One row: it can be edited, never added twice or deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeskSettings)
class DeskSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "escalation_grace"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "assignee", "due_at", "done_at", "order", "customer"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    list_select_related = ["assignee", "order", "customer"]
    search_fields = ["text", "order__number", "customer__name", "assignee__username"]
    raw_id_fields = ["order", "customer", "assignee", "created_by", "done_by"]
    readonly_fields = ["reminded_at", "created_at"]


@admin.register(NoAnswerStep)
class NoAnswerStepAdmin(admin.ModelAdmin):
    """The no-answer ladder: one row per miss; a miss after the last row gives up on the customer."""

    list_display = ["miss", "retry_after"]
    list_editable = ["retry_after"]
    ordering = ["miss"]


@admin.register(CallScript)
class CallScriptAdmin(admin.ModelAdmin):
    list_display = ["shop"]
    list_select_related = ["shop"]
    fieldsets = [
        (None, {"fields": ["shop"], "description": "Write {customer}, {manager} and {shop} where the names go."}),
        ("Script", {"fields": list(CallScript.SECTIONS)}),
    ]
