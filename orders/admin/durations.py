"""Durations in admin read and are typed as people say them: "3 days", "2 h", "30 min"."""

from django.contrib import admin
from django.db import models

from orders.durations import HumanDurationField, duration_label


class HumanDurationsAdmin:
    """Put before admin.ModelAdmin: every duration field of the form shows and accepts "2 h", "30 min"."""

    formfield_overrides = {models.DurationField: {"form_class": HumanDurationField}}


def duration_column(field_name: str, description: str):
    """A ModelAdmin list column showing a duration field as "3 days" ("—" when empty)."""

    @admin.display(description=description, ordering=field_name)
    def column(model_admin, obj):
        return duration_label(getattr(obj, field_name)) or "—"

    return column
