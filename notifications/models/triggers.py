"""Triggers the admin sets on statuses ("enters X", "has stayed in X for N hours"), the firings that prove each
fired once per entry, the per-shop off-hours reply and the messaging limits."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from notifications.models.messages import MessageTemplate
from orders.durations import validate_positive_duration
from orders.models import Order, Shop, SingletonSettings, Status, Task


class Trigger(models.Model):
    class When(models.TextChoices):
        ENTERS = "enters", _("Order enters the status")
        STAYS = "stays", _("Order has stayed in the status")

    class Hand(models.TextChoices):
        KEEP = "", _("Keep the manager")
        MANAGER = "manager", _("Hand to the manager below")
        ROUTING = "routing", _("Back to routing")

    class Notify(models.TextChoices):
        NOBODY = "", _("Nobody")
        MANAGER = "manager", _("The order's manager")
        SUPERVISORS = "supervisors", _("The shop's supervisors")

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="triggers", verbose_name=_("status"))
    when = models.CharField(_("when"), max_length=8, choices=When.choices, default=When.ENTERS)
    after = models.DurationField(
        _("after"),
        null=True,
        blank=True,
        validators=[validate_positive_duration],
        help_text=_("Stays: e.g. 2d or 48h."),
    )
    working_time = models.BooleanField(
        _("count working hours only"), default=False, help_text=_("Stays: count only the shop's working hours.")
    )
    repeat_every = models.DurationField(
        _("repeat every"),
        null=True,
        blank=True,
        validators=[validate_positive_duration],
        help_text=_("Stays: e.g. 1d."),
    )
    times = models.PositiveSmallIntegerField(
        _("times"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Stays: how many times in all, the first one included."),
    )
    # Conditions: empty means any.
    shop = models.ForeignKey(
        Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("shop")
    )
    method = models.CharField(_("method"), max_length=16, blank=True, choices=Order.Method.choices)
    order_type = models.CharField(_("order type"), max_length=3, blank=True, choices=Order.Type.choices)
    payment_state = models.CharField(_("payment"), max_length=8, blank=True, choices=Order.PaymentState.choices)
    # Actions.
    template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="triggers",
        verbose_name=_("message template"),
        help_text=_("Message the customer with this template."),
    )
    task_text = models.CharField(
        _("task text"),
        max_length=300,
        blank=True,
        help_text=_("Create a task for the order's manager with this text."),
    )
    task_kind = models.CharField(_("task kind"), max_length=8, choices=Task.Kind.choices, default=Task.Kind.CALL)
    task_due_in = models.DurationField(
        _("task due in"), default=timedelta(hours=1), validators=[validate_positive_duration]
    )
    hand = models.CharField(_("hand the order"), max_length=8, blank=True, choices=Hand.choices)
    hand_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hand to"),
    )
    notify = models.CharField(_("notify"), max_length=12, blank=True, choices=Notify.choices)
    notify_text = models.CharField(_("notice text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        ordering = ["status__position", "name"]
        indexes = [models.Index(fields=["status", "when"], condition=Q(is_active=True), name="trigger_active_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.when == self.When.STAYS and not self.after:
            errors["after"] = gettext("Say how long the order must stay in the status, e.g. 2d.")
        if self.times > 1 and not self.repeat_every:
            errors["repeat_every"] = gettext("Say how often to repeat, e.g. 1d, or set times to 1.")
        if self.when == self.When.ENTERS and self.times > 1:
            errors["times"] = gettext("An 'enters' trigger fires once per entry; repeats are for 'has stayed'.")
        if self.when == self.When.ENTERS and self.after:  # it would fire at once, not after the wait typed
            errors["after"] = gettext("An 'enters' trigger fires as the order enters: a wait is for 'has stayed'.")
        if self.hand and self.status_id and self.status.is_final:
            errors["hand"] = gettext(
                "An order in a final status keeps its manager: hand-overs are for open statuses."
            )
        if self.hand == self.Hand.MANAGER and not self.hand_to_id:
            errors["hand_to"] = gettext("Choose the manager to hand the order to.")
        if self.template is not None and self.template.channel == "whatsapp" and not self.template.content_sid:
            errors["template"] = gettext(
                "WhatsApp refuses free text that starts a conversation: give this template a Content SID first."
            )
        if not (self.template_id or self.task_text.strip() or self.hand or self.notify):
            errors["template"] = gettext(
                "Give the trigger something to do: a message, a task, a hand-over or a notice."
            )
        if errors:
            raise ValidationError(errors)

    def matches(self, order: Order) -> bool:
        return (
            (self.shop_id is None or self.shop_id == order.shop_id)
            and self.method in ("", order.method)
            and self.order_type in ("", order.order_type)
            and self.payment_state in ("", order.payment_state)
        )


class TriggerFiring(models.Model):
    """One firing of a trigger for one entry of an order into the status, planned (due) or done. The unique key
    proves a trigger fires at most once per order, entry and round."""

    class Outcome(models.TextChoices):
        PLANNED = "", pgettext_lazy("firing", "Planned")
        FIRED = "fired", _("Fired")
        NOT_MATCHING = "not_matching", _("Skipped: conditions not met")
        LEFT = "left", _("Skipped: the order left the status")

    trigger = models.ForeignKey(
        Trigger, on_delete=models.CASCADE, related_name="firings", verbose_name=_("trigger")
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="trigger_firings", verbose_name=_("order")
    )
    entered_at = models.DateTimeField(
        _("entered the status at"), help_text=_("When the order entered the status: one entry, one series.")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trigger firing")
        verbose_name_plural = _("trigger firings")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "order", "entered_at", "round"], name="firing_once_per_entry_and_round"
            )
        ]
        indexes = [
            # The every-minute check reads only firings that are due and not done: as many as are due.
            models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="firing_due_idx"),
        ]

    def __str__(self):
        return gettext("%(trigger)s for %(order)s (round %(round)s)") % {
            "trigger": self.trigger,
            "order": self.order,
            "round": self.round,
        }


class OffHoursReply(models.Model):
    """A shop's automatic answer to an order that arrives while the desk is closed, saying when it opens."""

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="off_hours_reply", verbose_name=_("shop")
    )
    template = models.ForeignKey(
        MessageTemplate,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("message template"),
        help_text=_(
            "Besides order, customer and shop, it may use {{ opens_at }}: when the desk opens next. Written in "
            "the shop's customers' language; dates and amounts in it follow that language."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("off-hours reply")
        verbose_name_plural = _("off-hours replies")

    def __str__(self):
        return gettext("Off-hours reply of %(shop)s") % {"shop": self.shop}

    def clean(self):
        if self.template_id and self.template.channel == "whatsapp" and not self.template.content_sid:
            raise ValidationError(
                {
                    "template": gettext(
                        "WhatsApp refuses free text that starts a conversation: give it a Content SID first."
                    )
                }
            )


MOST_AUTOMATIC_PER_DAY = 20


class MessagingSettings(SingletonSettings):
    """The limits that protect customers and the outbox's patience (one row, edited in admin)."""

    daily_cap = models.PositiveSmallIntegerField(
        _("automatic messages per customer per day"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Over any 24 hours. Messages staff write themselves are not held back."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("sending tries"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Sending tries before failing."),
    )
    first_retry = models.DurationField(
        _("first retry after"),
        default=timedelta(minutes=1),
        validators=[validate_positive_duration],
        help_text=_("Wait before the second try; each further wait doubles."),
    )

    auto_reply_gap = models.DurationField(
        _("automatic replies at most once in"),
        default=timedelta(hours=12),
        validators=[validate_positive_duration],
        help_text=_("A customer who writes again within this time gets no second off-hours reply."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("messaging settings")

    def clean(self):
        # A bound in clean, not a field validator: the limit needs no migration. Thousands a day is no cap at all.
        if self.daily_cap is not None and self.daily_cap > MOST_AUTOMATIC_PER_DAY:
            raise ValidationError(
                {
                    "daily_cap": gettext("At most %(count)s a day: more is no protection for the customer.")
                    % {"count": MOST_AUTOMATIC_PER_DAY}
                }
            )

    def __str__(self):
        return gettext("Messaging settings")

    def retry_delay(self, attempts: int) -> timedelta:
        return self.first_retry * 2 ** max(attempts - 1, 0)
