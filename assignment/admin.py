from django.contrib import admin

from assignment.models import ManagerProfile, PresenceChange


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
