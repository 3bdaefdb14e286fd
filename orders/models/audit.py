"""The audit trail of the settings that shape the desk: who changed what, when, with the values before and after
(Django's admin log says only that something changed)."""

from django.conf import settings
from django.db import models


class SettingChange(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        EXPORTED = "exported", "Exported"
        ANONYMISED = "anonymised", "Anonymised"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=80, help_text='e.g. "orders.status"')
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="settingchange_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.model} {self.object_repr}"
