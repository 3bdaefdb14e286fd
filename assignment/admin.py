from django.contrib import admin

from assignment.models import AssignmentDecision, ManagerProfile, PresenceChange, RoutingSettings
from orders.admin import SingletonSettingsAdmin


class PresenceChangeInline(admin.TabularInline):
    model = PresenceChange
    extra = 0
    fields = readonly_fields = ["created_at", "previous", "presence", "reason"]
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ManagerProfile)
class ManagerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "presence", "presence_since", "quota_override", "experience"]
    list_filter = ["presence"]
    list_editable = ["quota_override", "experience"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    readonly_fields = ["presence", "presence_since"]
    raw_id_fields = ["user"]
    inlines = [PresenceChangeInline]


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "default_quota", "queue_priority", "sticky_wait"]


@admin.register(AssignmentDecision)
class AssignmentDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "order", "manager", "rule"]
    list_filter = ["rule"]
    list_select_related = ["order", "manager"]
    search_fields = ["order__number", "manager__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
