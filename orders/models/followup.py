"""Follow-up: tasks (calls and to-dos), call outcomes, the no-answer ladder and the shops' call scripts."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from orders.durations import duration_label, validate_positive_duration
from orders.models.customers import Customer
from orders.models.orders import Order
from orders.models.shops import Shop


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    UNREACHABLE = "unreachable", "Unreachable"


class Task(models.Model):
    """A next step: a call or a to-do about an order or a customer, for oneself or a colleague."""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        CUSTOM = "custom", "To do"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tasks")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks")
    # Empty: the desk made it (the no-answer ladder).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CALL)
    text = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # A person's open tasks, soonest first (queue page, Next button, dashboard).
            models.Index(
                fields=["assignee", "due_at", "id"], condition=Q(done_at__isnull=True), name="task_open_idx"
            ),
            # The reminder sweep reads only due tasks not yet reminded.
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, reminded_at__isnull=True),
                name="task_remind_idx",
            ),
            # The KPI rollup reads the tasks closed in one day.
            models.Index(fields=["done_at"], condition=Q(done_at__isnull=False), name="task_done_idx"),
            models.Index(fields=["order"], condition=Q(done_at__isnull=True), name="task_order_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class NoAnswerStep(models.Model):
    """One rung of the no-answer ladder: after miss number `miss`, call again in `retry_after`. A miss past the
    last rung gives up: the order is cancelled as unreachable (or handed to a supervisor)."""

    miss = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1)])
    retry_after = models.DurationField(validators=[validate_positive_duration])

    class Meta:
        ordering = ["miss"]
        verbose_name = "no-answer ladder step"

    def __str__(self):
        return f"Miss {self.miss}: call again in {duration_label(self.retry_after)}"

    def clean(self):
        # The ladder is read in order of misses, so its steps are numbered 1..N with no gap.
        others = NoAnswerStep.objects.exclude(pk=self.pk).order_by("miss").values_list("miss", flat=True)
        expected = len(others) + 1
        if self.miss is not None and self.miss > expected and self.miss not in others:
            raise ValidationError(
                {"miss": f"Steps are numbered 1, 2, 3… with no gap: the next one is {expected}."}
            )


# A word in braces, as a placeholder is written; other braces ("{ }", "{1}") are left alone.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class CallScript(models.Model):
    """What a manager says on a call for this shop. {customer}, {manager} and {shop} are filled in."""

    PLACEHOLDERS = ("customer", "manager", "shop")
    SECTIONS = ("greeting", "reason", "questions", "terms", "objections")

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="call_script")
    greeting = models.TextField(blank=True)
    reason = models.TextField("reason for the call", blank=True)
    questions = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    objections = models.TextField("answers to objections", blank=True)

    def __str__(self):
        return f"Call script of {self.shop}"

    def clean(self):
        allowed = ", ".join("{" + name + "}" for name in self.PLACEHOLDERS)
        errors = {}
        for field_name in self.SECTIONS:
            unknown = sorted(set(PLACEHOLDER.findall(getattr(self, field_name) or "")) - set(self.PLACEHOLDERS))
            if unknown:
                names = ", ".join("{" + name + "}" for name in unknown)
                errors[field_name] = f"Unknown placeholder {names}: use {allowed}."
        if errors:
            raise ValidationError(errors)

    def filled(self, **names: str) -> list[tuple[str, str]]:
        """(section title, text) pairs with the names put in; plain replacement, so braces in a script are safe."""
        sections = []
        for field_name in self.SECTIONS:
            text = getattr(self, field_name)
            for placeholder in self.PLACEHOLDERS:
                text = text.replace("{" + placeholder + "}", names.get(placeholder, ""))
            if text.strip():
                sections.append((self._meta.get_field(field_name).verbose_name.capitalize(), text))
        return sections
