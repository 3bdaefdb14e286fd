"""The staff bell: in-app messages for one member of staff."""

from django.conf import settings
from django.db import models

from core.models import Phrased


class Notification(Phrased):
    """An in-app message for one member of staff, shown under the navbar bell."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue order"
        ESCALATION = "escalation", "Escalation"
        REMINDER = "reminder", "Reminder"
        PAYMENT_FAILED = "payment_failed", "Failed payment"
        ASSIGNED = "assigned", "Assigned to you"
        TIMEOUT = "timeout", "Not taken up in time"
        # Sent once customer messaging (#12) and feedback (#13) land.
        REPLY = "reply", "Customer reply"
        CLAIM = "claim", "Claim"
        INFO = "info", "Information"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.INFO)
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
