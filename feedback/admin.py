"""Feedback's settings per shop and desk-wide, and the records (requests, credits, claims) read-only."""

from django.contrib import admin

from feedback.models import Claim, ClaimEvent, FeedbackRequest, FeedbackSettings, RatingCredit, ShopFeedback
from orders.admin import (
    AuditedAdmin,
    HumanDurationsAdmin,
    PeopleByName,
    ReadOnlyAdmin,
    SingletonSettingsAdmin,
    duration_column,
)


@admin.register(ShopFeedback)
class ShopFeedbackAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    list_display = ["shop", "is_active", "wait", "signer", "whatsapp_content_sid"]
    list_select_related = ["shop"]
    wait = duration_column("delay", "Asks after")


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "once_per", "valid", "whatsapp"]
    once_per = duration_column("ask_once_per", "Once per")
    valid = duration_column("valid_for", "Valid for")
    whatsapp = duration_column("whatsapp_wait", "WhatsApp wait")


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(ReadOnlyAdmin):
    list_display = ["order", "customer", "state", "due_at", "sent_at", "rating", "note"]
    list_filter = ["state", "rating"]
    list_select_related = ["order", "customer"]
    search_fields = ["order__number", "customer__name"]


@admin.register(RatingCredit)
class RatingCreditAdmin(ReadOnlyAdmin):
    list_display = ["order", "user", "rating", "rated_at"]
    list_filter = ["rating"]
    list_select_related = ["order", "user"]


class ClaimEventInline(PeopleByName, admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "kind", "actor", "text"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    """Claims are worked on their page, along the pipeline; admin reads them."""

    list_display = ["pk", "order", "customer", "state", "inspector", "due_at", "is_overdue"]
    list_filter = ["state", "is_overdue", "shop"]
    list_select_related = ["order", "customer", "inspector"]
    inlines = [ClaimEventInline]
