"""The staff bell: in-app messages for one member of staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Phrased


class Notification(Phrased):
    """An in-app message for one member of staff, shown under the navbar bell."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Overdue order")
        ESCALATION = "escalation", _("Escalation")
        REMINDER = "reminder", _("Reminder")
        PAYMENT_FAILED = "payment_failed", _("Failed payment")
        ASSIGNED = "assigned", _("Assigned to you")
        TIMEOUT = "timeout", _("Not taken up in time")
        # Sent once customer messaging (#12) and feedback (#13) land.
        REPLY = "reply", _("Customer reply")
        CLAIM = "claim", _("Claim")
        INFO = "info", _("Information")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.INFO)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.shown_text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
