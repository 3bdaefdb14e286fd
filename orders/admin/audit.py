"""Audited admin: every save and delete of a setting writes its values before and after to the audit trail."""

from django.contrib import admin

from orders.admin.readonly import ReadOnlyAdmin
from orders.models.audit import SettingChange
from orders.services.audit import setting_change_record, setting_snapshot


class AuditedAdmin:
    """Put before admin.ModelAdmin. `audit_related` names related rows saved through inlines that belong to the
    setting (e.g. a status's next statuses)."""

    audit_related: dict[str, str] = {}

    def save_model(self, request, obj, form, change):
        model = type(obj)
        obj._audit_before = setting_snapshot(model.objects.get(pk=obj.pk), self.audit_related) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        setting_change_record(
            obj=obj,
            actor=request.user,
            action=SettingChange.Action.CHANGED if change else SettingChange.Action.CREATED,
            before=getattr(obj, "_audit_before", {}),
            after=setting_snapshot(obj, self.audit_related),
        )

    def delete_model(self, request, obj):
        before = setting_snapshot(obj, self.audit_related)
        super().delete_model(request, obj)
        setting_change_record(
            obj=obj, actor=request.user, action=SettingChange.Action.DELETED, before=before, after={}
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(SettingChange)
class SettingChangeAdmin(ReadOnlyAdmin):
    """The audit trail, read only, kept for good."""

    keep_forever = True

    list_display = ["at", "actor", "action", "model", "object_repr", "before", "after"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
