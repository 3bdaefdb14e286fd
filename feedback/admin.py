"""Feedback's settings per shop and desk-wide, and the records (requests, credits, claims) read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from feedback.models import Claim, ClaimEvent, FeedbackRequest, FeedbackSettings, RatingCredit, ShopFeedback
from orders.admin import (
    AuditedAdmin,
    HumanDurationsAdmin,
    PeopleByName,
    ReadOnlyAdmin,
    ShownText,
    SingletonSettingsAdmin,
    duration_column,
)


@admin.register(ShopFeedback)
class ShopFeedbackAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    list_display = ["shop", "is_active", "wait", "signer", "whatsapp_content_sid"]
    list_select_related = ["shop"]
    wait = duration_column("delay", _("Asks after"))
    fieldsets = [
        (None, {"fields": ["shop", "is_active", "delay", "signer", "signer_email", "reply_to"]}),
        (
            _("Asking"),
            {
                "fields": ["whatsapp_content_sid", "whatsapp_text", "email_subject", "email_text"],
                "description": _(
                    "Django template syntax: {{ signer }} is the name above, {{ links }} the five rating links. "
                    "A text left empty is the desk's own, in the shop's customers' language."
                ),
            },
        ),
        (
            _("Answers to the customer's rating"),
            {
                "fields": ["thanks_text", "sorry_text", "ask_contact_text", "contact_yes_text", "contact_no_text"],
                "description": _(
                    "Sent by SMS or WhatsApp on the channel the customer answered on. A text left empty is the "
                    "desk's own, in the shop's customers' language."
                ),
            },
        ),
    ]


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "once_per", "valid", "whatsapp"]
    once_per = duration_column("ask_once_per", _("Once per"))
    valid = duration_column("valid_for", _("Valid for"))
    whatsapp = duration_column("whatsapp_wait", _("WhatsApp wait"))


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


class ClaimEventInline(ShownText, PeopleByName, admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "actor", "said")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    """Claims are worked on their page, along the pipeline; admin reads them."""

    list_display = ["number", "order", "customer", "state", "inspector", "due_at", "is_overdue"]
    list_filter = ["state", "is_overdue", "shop"]
    list_select_related = ["order", "customer", "inspector"]
    inlines = [ClaimEventInline]
    exclude = ["reason"]
    readonly_fields = ["reason_said"]

    @admin.display(description=_("reason"))
    def reason_said(self, claim):
        return claim.shown_reason

    @admin.display(description=_("No."), ordering="pk")
    def number(self, obj):
        return obj.pk
