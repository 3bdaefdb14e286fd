"""Triggers (with their firings), the shops' off-hours replies and the messaging limits."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.roles import MANAGER
from notifications.models import MessagingSettings, OffHoursReply, Trigger, TriggerFiring
from notifications.services import trigger_plan_current
from orders.admin import (
    AuditedAdmin,
    HumanDurationsAdmin,
    PeopleByName,
    ReadOnlyAdmin,
    SingletonSettingsAdmin,
    duration_column,
)


@admin.register(Trigger)
class TriggerAdmin(AuditedAdmin, HumanDurationsAdmin, PeopleByName, admin.ModelAdmin):
    list_display = [
        "name",
        "status",
        "when",
        "wait",
        "times",
        "template",
        "task_text",
        "hand",
        "notify",
        "is_active",
    ]
    list_filter = ["is_active", "when", "status"]
    list_select_related = ["status", "template"]
    wait = duration_column("after", _("After"))
    fieldsets = [
        (None, {"fields": ["name", "is_active", "status", "when"]}),
        (
            _("Has stayed in the status"),
            {
                "fields": ["after", "working_time", "repeat_every", "times"],
                "description": _(
                    "For example, a parcel waiting at the pick-up point: after 2 days, again every 1 day, 2 times"
                    " in all."
                ),
            },
        ),
        (
            _("Before the delivery slot"),
            {
                "fields": ["before"],
                "description": _(
                    "For example, the courier calls 2 hours before the slot the customer chose: once per order and"
                    " slot, on the shop's clock; a slot moved later is called about again."
                ),
            },
        ),
        (_("Only orders that match (empty: any)"), {"fields": ["shop", "method", "order_type", "payment_state"]}),
        (
            _("What it does"),
            {
                "fields": [
                    "template",
                    "task_text",
                    "task_kind",
                    "task_due_in",
                    "hand",
                    "hand_to",
                    "notify",
                    "notify_text",
                ]
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hand_to":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                groups__name=MANAGER, is_active=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        trigger_plan_current(trigger=obj)


@admin.register(TriggerFiring)
class TriggerFiringAdmin(ReadOnlyAdmin):
    list_display = ["trigger", "order", "round", "due_at", "done_at", "outcome", "note"]
    list_filter = ["outcome", "trigger"]
    list_select_related = ["trigger", "order"]
    search_fields = ["order__number"]


@admin.register(OffHoursReply)
class OffHoursReplyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["shop", "template", "is_active"]
    list_select_related = ["shop", "template"]


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "daily_cap", "max_attempts", "retry"]
    retry = duration_column("first_retry", _("First retry after"))
