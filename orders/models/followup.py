"""Follow-up: tasks (calls and to-dos), call outcomes, the no-answer ladder and the shops' call scripts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Phrased
from core.people import staff_name
from core.roles import can_work_orders
from orders.durations import SETTING_DURATION, duration_label
from orders.exceptions import TextDoesNotRender
from orders.models.customers import Customer
from orders.models.orders import Order
from orders.models.shops import Shop


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    UNREACHABLE = "unreachable", _("Unreachable")


class Task(Phrased):
    """A next step: a call or a to-do about an order or a customer, for oneself or a colleague."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        CUSTOM = "custom", _("To do")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("customer")
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("order")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("assignee")
    )
    # Empty: the desk made it (the no-answer ladder).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CALL)
    text = models.CharField(_("text"), max_length=200)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
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

    def clean(self):
        # Admin's task form takes any ids: a task on another customer's order, or for someone who works no orders,
        # would sit on the wrong pages or in nobody's queue.
        errors = {}
        if self.customer_id and self.order is not None and self.order.customer_id != self.customer_id:
            errors["order"] = gettext(
                "%(order)s is another customer's: choose one of this customer's orders, or none."
            ) % {"order": self.order}
        if self.assignee_id and not can_work_orders(self.assignee):
            errors["assignee"] = gettext("%(name)s works no orders: choose a manager or a supervisor.") % {
                "name": staff_name(self.assignee)
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class NoAnswerStep(models.Model):
    """One rung of the no-answer ladder: after miss number `miss`, call again in `retry_after`. A miss past the
    last rung gives up: the order is cancelled as unreachable (or handed to a supervisor)."""

    # Seed 001: each kind of miss has its own ladder (busy: soon again; unreachable: much later).
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=[(value, name) for value, name in CallOutcome.choices if value != CallOutcome.REACHED],
        default=CallOutcome.NO_ANSWER,
    )
    miss = models.PositiveSmallIntegerField(_("miss"), validators=[MinValueValidator(1)])
    retry_after = models.DurationField(_("retry after"), validators=[SETTING_DURATION])

    class Meta:
        verbose_name = _("no-answer ladder step")
        verbose_name_plural = _("no-answer ladder steps")
        ordering = ["outcome", "miss"]
        constraints = [models.UniqueConstraint(fields=["outcome", "miss"], name="ladder_step_unique")]

    def __str__(self):
        return gettext("Miss %(miss)s: call again in %(after)s") % {
            "miss": self.miss,
            "after": duration_label(self.retry_after),
        }

    def clean(self):
        # The ladder is read in order of misses, so its steps are numbered 1..N with no gap.
        others = (
            NoAnswerStep.objects.filter(outcome=self.outcome)
            .exclude(pk=self.pk)
            .order_by("miss")
            .values_list("miss", flat=True)
        )
        expected = len(others) + 1
        if self.miss is not None and self.miss > expected and self.miss not in others:
            raise ValidationError(
                {
                    "miss": gettext("Steps are numbered 1, 2, 3… with no gap: the next one is %(next)s.")
                    % {"next": expected}
                }
            )


class CallScript(models.Model):
    """What a manager says on a call for this shop, in the same template syntax as message templates:
    {{ customer.name }}, {{ manager.name }}, {{ shop.name }} (and the order's fields) are filled in."""

    SECTIONS = ("greeting", "reason", "questions", "terms", "objections")

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="call_script", verbose_name=_("shop"))
    greeting = models.TextField(_("greeting"), blank=True)
    reason = models.TextField(_("reason for the call"), blank=True)
    questions = models.TextField(_("questions"), blank=True)
    terms = models.TextField(_("terms"), blank=True)
    objections = models.TextField(_("answers to objections"), blank=True)

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")

    def __str__(self):
        return gettext("Call script of %(shop)s") % {"shop": self.shop}

    def clean(self):
        # Tried on a made-up order, as message templates are: a script that does not render is refused here,
        # not shown as written to a manager on a call.
        from orders.templating import sample_context

        errors = {}
        for field_name in self.SECTIONS:
            try:
                self._section(field_name, sample_context())
            except TextDoesNotRender as exc:
                errors[field_name] = str(exc)
        if errors:
            raise ValidationError(errors)

    def filled(self, context: dict) -> list[tuple[str, str]]:
        """(section title, text) pairs rendered over the call's order, customer, manager and shop."""
        sections = []
        for field_name in self.SECTIONS:
            text = self._section(field_name, context)
            if text:
                field = self._meta.get_field(field_name)
                assert isinstance(field, models.Field)  # a text column, not a relation
                sections.append((str(field.verbose_name).capitalize(), text))
        return sections

    def _section(self, field_name: str, context: dict) -> str:
        from orders.templating import text_render

        return text_render(getattr(self, field_name) or "", context, "script")
