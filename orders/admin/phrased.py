"""Stored sentences in admin as the reader's language has them: a row the desk wrote as a phrase
(core.models.Phrased) shows `shown_text`; a row written before phrases (or a model without them) shows its text."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ShownText:
    """Name the column or read-only field `said` instead of `text`."""

    @admin.display(description=_("text"))
    def said(self, obj) -> str:
        return getattr(obj, "shown_text", obj.text)
