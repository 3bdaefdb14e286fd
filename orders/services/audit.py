"""Recording setting changes with their values before and after."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from orders.durations import duration_label
from orders.models.audit import SettingChange


def line_endings_normalised(value: Any) -> Any:
    """Text with "\n" line endings: a browser sends a text box's lines with "\r\n", which alone is no change."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return line_endings_normalised(value)
    if isinstance(value, timedelta):
        return duration_label(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def setting_snapshot(obj: models.Model, related: dict[str, str] | None = None) -> dict[str, Any]:
    """A setting's values as JSON: its fields, its many-to-many ids, and the related rows named in `related`
    (reverse accessor → the field that names each, e.g. {"transitions_out": "target__code"})."""
    values = {field.attname: _plain(getattr(obj, field.attname)) for field in obj._meta.concrete_fields}
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        for accessor, name in (related or {}).items():
            values[accessor] = sorted(str(item) for item in getattr(obj, accessor).values_list(name, flat=True))
    return values


def setting_change_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    obj: models.Model | None = None,
    model: str = "",
    object_id: str = "",
    name: str = "",
) -> SettingChange | None:
    """One audit row about `obj` (or a setting without a row of its own: `model`, `object_id`, `name`); a change
    keeps only the values that changed (nothing changed: no row)."""
    if obj is not None:
        model, object_id, name = obj._meta.label_lower, str(obj.pk), str(obj)
    if action == SettingChange.Action.CHANGED:
        changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
        if not changed:
            return None
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after.get(key) for key in sorted(changed)}
    return SettingChange.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        model=model,
        object_id=object_id,
        object_repr=name[:200],
        before=before,
        after=after,
    )
