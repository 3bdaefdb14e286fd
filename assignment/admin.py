from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignment.models import AssignmentDecision, ManagerProfile, PresenceChange, RoutingSettings
from assignment.services import queue_serve_after_commit
from orders.admin import AuditedAdmin, PeopleByName, ReadOnlyAdmin, SingletonSettingsAdmin, duration_column
from orders.admin.data import code_column
from orders.admin.mixin import ModelAdminMixin


class ServesQueueOnQuotaChange(ModelAdminMixin):
    """A quota edit (or a lighter conversation weight) may make room: the queue is served once the edit is
    committed."""

    quota_fields: tuple[str, ...]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if set(self.quota_fields) & set(form.changed_data):
            queue_serve_after_commit()


class PresenceChangeInline(admin.TabularInline):
    model = PresenceChange
    extra = 0
    fields = readonly_fields = ("created_at", "previous", "presence", "why")
    can_delete = False
    ordering = ["-created_at"]

    @admin.display(description=_("reason"))
    def why(self, obj):
        """The reason as stored (the desk's own, "logged out", in English) in the reader's language."""
        return gettext(obj.reason) if obj.reason else ""

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ManagerProfile)
class ManagerProfileAdmin(AuditedAdmin, ServesQueueOnQuotaChange, PeopleByName, admin.ModelAdmin):
    quota_fields = ("quota_override",)
    list_display = [
        "user",
        "presence",
        "presence_since",
        "last_seen_at",
        "quota_override",
        "experience",
        "rings",
        "auto_dial",
    ]
    list_filter = ["presence", "auto_dial"]
    list_editable = ["quota_override", "experience"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone", "sip"]
    list_select_related = ["user"]
    readonly_fields = ["presence", "presence_since", "last_seen_at"]
    raw_id_fields = ["user"]
    inlines = [PresenceChangeInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A phone is typed as people write it, "8 (916) 123-45-67", longer than the E.164 it is kept as.
        if db_field.name == "phone":
            kwargs["max_length"] = 32
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("calls ring"))
    def rings(self, profile):
        """Where calls ring the manager: the SIP address wins over the phone, as the desk dials."""
        return profile.sip or profile.phone or "—"


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(ServesQueueOnQuotaChange, SingletonSettingsAdmin):
    quota_fields = ("default_quota", "conversation_weight")
    list_display = [
        "__str__",
        "default_quota",
        "conversation_weight",
        "queue_priority",
        "sticky",
        "acceptance",
        "cooloff",
        "alert",
    ]
    sticky = duration_column("sticky_wait", _("Sticky wait"))
    acceptance = duration_column("acceptance_timeout", _("Acceptance timeout"))
    cooloff = duration_column("timeout_cooloff", _("Cooling-off"))
    alert = duration_column("queue_alert_after", _("Queue alert after"))


@admin.register(AssignmentDecision)
class AssignmentDecisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "order", "conversation", "manager", "rule", "accepted_at", "timed_out_at"]
    # Who was weighed and why, as routing wrote it down: data (names and counts under the code's keys).
    exclude = ["candidates", "excluded", "excluded_counts", "headline"]
    readonly_fields = [
        "why",
        code_column("candidates", _("candidates")),
        code_column("excluded", _("passed over")),
        code_column("excluded_counts", _("passed over by reason")),
    ]
    list_filter = ["rule", ("timed_out_at", admin.EmptyFieldListFilter)]
    list_select_related = ["order", "conversation__customer", "manager"]
    search_fields = ["order__number", "manager__username"]

    @admin.display(description=_("why"))
    def why(self, obj):
        """The headline as the desk says it, in the reader's language."""
        return obj.shown_text
