"""Audited admin: every save and delete of a setting writes its values before and after to the audit trail."""

from django.contrib import admin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.admin.data import code_column
from orders.admin.mixin import ModelAdminMixin
from orders.admin.readonly import ReadOnlyAdmin
from orders.models.audit import SettingChange, model_name
from orders.services.audit import setting_change_record, setting_snapshot


class AuditedAdmin(ModelAdminMixin):
    """Put before admin.ModelAdmin. `audit_related` names related rows saved through inlines that belong to the
    setting (e.g. a status's next statuses)."""

    audit_related: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A number's form field takes the model's bounds: Django's own (0 for a positive field) refused "-1" as
        "at least 0", then "0" as "at least 1"."""
        if isinstance(db_field, models.IntegerField) and not db_field.choices:
            lows = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
            highs = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
            if lows:
                kwargs.setdefault("min_value", max(lows))
            if highs:
                kwargs.setdefault("max_value", min(highs))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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


class ModelByName(admin.SimpleListFilter):
    """The audit rows store a model's label ("orders.status"); the filter offers the models' names."""

    title = _("model")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        labels = SettingChange.objects.order_by("model").values_list("model", flat=True).distinct()
        return [(label, model_name(label)) for label in labels]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(SettingChange)
class SettingChangeAdmin(ReadOnlyAdmin):
    """The audit trail, read only, kept for good."""

    keep_forever = True

    before_after = [code_column("before", _("before")), code_column("after", _("after"))]
    list_display = ["at", "actor", "action", "model_shown", "object_repr", *before_after]
    exclude = ["model", "before", "after"]
    readonly_fields = ["model_shown", *before_after]
    list_filter = ["action", ModelByName]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    @admin.display(description=_("model"), ordering="model")
    def model_shown(self, change):
        return change.model_name
