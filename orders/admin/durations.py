"""Durations in admin read and are typed as people say them: "3 days", "2 h", "30 min"."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db import models

from orders.admin.mixin import ModelAdminMixin
from orders.durations import AT_MOST_A_YEAR, DurationBetween, HumanDurationField, duration_label

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class HumanDurationsAdmin(ModelAdminMixin):
    """Put before admin.ModelAdmin: every duration field of the form shows and accepts "2 h", "30 min", and
    refuses more than a year where the model sets no tighter range (whose message then names that range)."""

    formfield_overrides = {models.DurationField: {"form_class": HumanDurationField}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        bounded = any(isinstance(validator, DurationBetween) for validator in db_field.validators)
        if isinstance(db_field, models.DurationField) and field is not None and not bounded:
            field.validators.append(AT_MOST_A_YEAR)
        return field


def duration_column(field_name: str, description: "_StrOrPromise"):
    """A ModelAdmin list column showing a duration field as "3 days" ("—" when empty)."""

    @admin.display(description=description, ordering=field_name)
    def column(model_admin, obj):
        return duration_label(getattr(obj, field_name)) or "—"

    return column
