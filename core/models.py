"""What rows of several apps share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.phrases import shown


class Phrased(models.Model):
    """A row whose `text` the desk may have written as a phrase (core.phrases): `phrase` keeps it as data, `text`
    in English (for search, admin lists and exports); `shown_text` is what a reader sees, in their language."""

    phrase = models.JSONField(_("phrase"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def shown_text(self) -> str:
        return shown(self.phrase, self.text)  # type: ignore[attr-defined]  # each subclass has its text column
