"""Statuses and the status matrix: which step from which status is allowed, and for whom."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from orders.durations import SETTING_DURATION


class AwaitingPayment(TransitionNotAllowed):
    """The step's prepayment rule refused the move (orders.services turns it into PaymentAwaited)."""


HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #0d6efd."))


class Status(models.Model):
    """An order status, edited by the admin. Orders hold its code; codes of used statuses never change."""

    class Group(models.TextChoices):
        NEW = "new", _("New")
        APPROVAL = "approval", _("Approval")
        ASSEMBLY = "assembly", _("Assembly")
        DELIVERY = "delivery", _("Delivery")
        COMPLETE = "complete", _("Complete")
        CANCEL = "cancel", _("Cancel")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    colour = models.CharField(_("colour"), max_length=7, default="#6c757d", validators=[HEX_COLOUR])
    time_limit = models.DurationField(
        _("time limit"),
        null=True,
        blank=True,
        validators=[SETTING_DURATION],
        help_text=_("How long an order may stay in this status, in working hours; empty = no limit."),
    )
    is_final = models.BooleanField(_("final"), default=False)
    # Seed 004: entering this status puts a call at the top of the manager's Next (and dials, with auto-dial on).
    call_on_entry = models.BooleanField(
        _("call the customer on entry"),
        default=False,
        help_text=_("An order entering this status gets a call task at the top of its manager's Next."),
    )

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        # Two statuses of one name: two "New" buttons on an order, and no telling which is which in the lists.
        if self.name and Status.objects.exclude(pk=self.pk).filter(name__iexact=self.name.strip()).exists():
            raise ValidationError(
                {
                    "name": gettext("A status is already called %(name)s: give this one its own name.")
                    % {"name": self.name.strip()}
                }
            )
        # A final status ends the order's road: no step may leave it (the admin removes those steps first).
        checked_by_form = getattr(self, "next_statuses_checked_by_form", False)  # the admin's inline checks them
        if self.is_final and self.pk is not None and not checked_by_form and self.transitions_out.exists():
            raise ValidationError(
                {
                    "is_final": gettext(
                        "%(name)s has next statuses in the matrix; a final status has none. "
                        "Remove those steps first, save, then tick final."
                    )
                    % {"name": self.name}
                }
            )


class StatusTransition(models.Model):
    """One allowed step of the status matrix; limited to some groups of users when groups are set."""

    source = models.ForeignKey(
        Status, on_delete=models.CASCADE, related_name="transitions_out", verbose_name=_("source")
    )
    target = models.ForeignKey(
        Status, on_delete=models.CASCADE, related_name="transitions_in", verbose_name=_("target")
    )
    groups = models.ManyToManyField(
        Group,
        blank=True,
        help_text=_("Who may make this step; empty means managers and supervisors (inspectors only read orders)."),
        verbose_name=_("groups"),
    )

    class Meta:
        verbose_name = _("status matrix step")
        verbose_name_plural = _("status matrix steps")
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
            raise ValidationError(
                {"target": gettext("A status cannot lead to itself: choose another next status.")}
            )
        if source.is_final:
            raise ValidationError(
                gettext("%(name)s is final: no step may leave a final status.") % {"name": source.name}
            )

    def payment_wait(self, order, *, fresh: bool = False) -> str:
        """Why the order must wait for its payment before this step, by the strictest of the step's prepayment
        rules for the order's shop and method ("" when it need not). `fresh`: the amounts are read again first (the
        status change's check: a payment recorded since the order was read counts)."""
        rules = [rule for rule in self.payment_rules.all() if rule.applies_to(order)]
        strictest = max(rules, key=lambda rule: rule.share, default=None)
        if strictest is None:
            return ""
        if fresh:
            order.refresh_from_db(fields=["paid_amount", "total", "payment_state"])
        return strictest.wait(order)
