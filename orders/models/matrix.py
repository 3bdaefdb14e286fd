"""Statuses and the status matrix: which step from which status is allowed, and for whom."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from orders.durations import SETTING_DURATION

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
        null=True,
        blank=True,
        validators=[SETTING_DURATION],
        help_text="How long an order may stay in this status, in working hours; empty = no limit.",
    )
    is_final = models.BooleanField("final", default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "statuses"

    def __str__(self):
        return self.name

    def clean(self):
        # Two statuses of one name: two "New" buttons on an order, and no telling which is which in the lists.
        if self.name and Status.objects.exclude(pk=self.pk).filter(name__iexact=self.name.strip()).exists():
            raise ValidationError(
                {"name": f"A status is already called {self.name.strip()}: give this one its own name."}
            )
        # A final status ends the order's road: no step may leave it (the admin removes those steps first).
        checked_by_form = getattr(self, "next_statuses_checked_by_form", False)  # the admin's inline checks them
        if self.is_final and self.pk is not None and not checked_by_form and self.transitions_out.exists():
            raise ValidationError(
                {
                    "is_final": f"{self.name} has next statuses in the matrix; a final status has none. "
                    "Remove those steps first, save, then tick final."
                }
            )


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

    def clean(self):
        source = self.source if self.source_id else None
        if source is None or not self.target_id:
            return
        if self.source_id == self.target_id:
            raise ValidationError({"target": "A status cannot lead to itself: choose another next status."})
        if source.is_final:
            raise ValidationError(f"{source.name} is final: no step may leave a final status.")
