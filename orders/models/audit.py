"""The audit trail of the settings that shape the desk: who changed what, when, with the values before and after
(Django's admin log says only that something changed)."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SettingChange(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        EXPORTED = "exported", _("Exported")
        ANONYMISED = "anonymised", _("Anonymised")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("model"), max_length=80, help_text=_('e.g. "orders.status"'))
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object repr"), max_length=200)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("setting change")
        verbose_name_plural = _("setting changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="settingchange_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.model_name} {self.object_repr}"

    @property
    def model_name(self) -> str:
        """The model's name in the reader's language ("orders.status": "status"); a label no longer installed, as
        stored."""
        return model_name(self.model)


def model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
