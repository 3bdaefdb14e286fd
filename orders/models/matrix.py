"""Statuses and the status matrix: which step from which status is allowed, and for whom."""

from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour like #0d6efd.")


class Status(models.Model):
    """An order status, edited by the admin. Orders hold its code; codes of used statuses never change."""

    class Group(models.TextChoices):
        NEW = "new", "New"
        APPROVAL = "approval", "Approval"
        ASSEMBLY = "assembly", "Assembly"
        DELIVERY = "delivery", "Delivery"
        COMPLETE = "complete", "Complete"
        CANCEL = "cancel", "Cancel"

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=80)
    group = models.CharField(max_length=16, choices=Group.choices)
    position = models.PositiveSmallIntegerField("order", default=0)
    colour = models.CharField(max_length=7, default="#6c757d", validators=[HEX_COLOUR])
    time_limit = models.DurationField(
        null=True, blank=True, help_text="How long an order may stay in this status, in working hours."
    )
    is_final = models.BooleanField("final", default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "statuses"

    def __str__(self):
        return self.name


class StatusTransition(models.Model):
    """One allowed step of the status matrix; limited to some groups of users when groups are set."""

    source = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="transitions_out")
    target = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="transitions_in")
    groups = models.ManyToManyField(
        Group,
        blank=True,
        help_text="Who may make this step; empty means managers and supervisors (inspectors only read orders).",
    )

    class Meta:
        ordering = ["source__position", "target__position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="status_transition_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="status_transition_not_loop"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"
