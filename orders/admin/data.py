"""Data in admin as what it is: codes, key prefixes and stored JSON (field names and values as the code wrote
them) in a <code> block, which a reader takes for machine text, not for a sentence left untranslated."""

import json
from typing import Any

from django.contrib import admin
from django.utils.html import format_html
from django_stubs_ext import StrPromise


def code_column(field: str, description: StrPromise) -> Any:
    """A list column or read-only field showing `field` as code (JSON written out, Cyrillic as it is); named as
    the field, so that a change page shows the field's help text under it. (Any: django-stubs types admin's
    fields as names, though admin takes callables too.)"""

    @admin.display(description=description)
    def column(obj: object) -> str:
        value = getattr(obj, field)
        return format_html(
            "<code>{}</code>", value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        )

    column.__name__ = field
    return column
