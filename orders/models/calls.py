"""Phone calls through Twilio Voice: each call in or out (`PhoneCall`), each manager an incoming call rang
(`CallLeg`), and how a shop answers the phone (`ShopVoice`). The calls app writes them; every page and figure
reads them here."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.durations import validate_positive_duration
from orders.exceptions import TextDoesNotRender
from orders.models.customers import Customer
from orders.models.followup import CallOutcome, Task
from orders.models.orders import Order
from orders.models.shops import Shop


class PhoneCall(models.Model):
    """One call, in (a customer rang the shop's number) or out (click-to-call, auto-dial)."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Incoming")
        OUTBOUND = "out", _("Outgoing")

    class State(models.TextChoices):
        """Twilio's CallStatus, in the order a call goes through them: a callback only moves a call forward."""

        QUEUED = "queued", _("Queued")
        RINGING = "ringing", _("Ringing")
        IN_PROGRESS = "in-progress", _("Talking")
        COMPLETED = "completed", _("Completed")
        BUSY = "busy", _("Busy")
        NO_ANSWER = "no-answer", _("No answer")
        CANCELED = "canceled", _("Cancelled")
        FAILED = "failed", _("Failed")

    class Missed(models.TextChoices):
        """Why an incoming call reached nobody."""

        OFF_HOURS = "off_hours", _("outside working hours")
        NOBODY_FREE = "nobody_free", _("no manager free")
        RANG_OUT = "rang_out", _("nobody answered")
        HUNG_UP = "hung_up", _("the caller hung up waiting")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="phone_calls", verbose_name=_("shop"))
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="phone_calls", verbose_name=_("customer")
    )
    # The open order the call is about: the order page's for a call out, the latest open one for a call in.
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phone_calls",
        verbose_name=_("order"),
    )
    # Twilio's CallSid: the parent call's for a call in; a call out has one once Twilio has taken it.
    call_sid = models.CharField(_("Twilio call id"), max_length=64, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    from_number = models.CharField(_("from"), max_length=64)
    to_number = models.CharField(_("to"), max_length=64)
    # A call out: the manager who placed it. A call in: the manager who answered it.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phone_calls",
        verbose_name=_("manager"),
    )
    started_at = models.DateTimeField(_("started at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("talk time, s"), null=True, blank=True)
    # What came of a call out, as the call panel's outcomes; a call in answered by a manager is "reached".
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices, blank=True)
    # A call in that reached nobody: why, when, and the call-back task it became.
    missed = models.CharField(_("missed because"), max_length=12, choices=Missed.choices, blank=True)
    missed_at = models.DateTimeField(_("missed at"), null=True, blank=True)
    callback_task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="missed_calls",
        verbose_name=_("call-back task"),
    )
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    # Twilio's RecordingSid of the talk (when the shop records calls) and of a voicemail; played through the desk.
    recording_sid = models.CharField(_("recording"), max_length=64, blank=True)
    recording_duration = models.PositiveIntegerField(_("recording length, s"), null=True, blank=True)
    voicemail_sid = models.CharField(_("voicemail"), max_length=64, blank=True)
    voicemail_duration = models.PositiveIntegerField(_("voicemail length, s"), null=True, blank=True)
    # A call out placed in the customer's night because the manager said "call anyway".
    night_confirmed = models.BooleanField(_("called in the customer's night"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-started_at"], name="call_customer_idx"),
            models.Index(fields=["order", "-started_at"], name="call_order_idx"),
            # The dashboard's missed calls nobody has called back yet.
            models.Index(
                fields=["shop", "missed_at"],
                condition=Q(missed_at__isnull=False, called_back_at__isnull=True),
                name="call_missed_open_idx",
            ),
            # Who is on a call now (a manager on a call gets no second one).
            models.Index(fields=["manager"], condition=Q(ended_at__isnull=True), name="call_manager_live_idx"),
            # KPI figures read one day's calls.
            models.Index(fields=["started_at"], name="call_started_idx"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.from_number} → {self.to_number}"

    @property
    def is_missed(self) -> bool:
        return self.missed_at is not None


class CallLeg(models.Model):
    """One manager an incoming call rang, for how long, and whether they picked up. A leg with no end is ringing
    (or, answered, talking): such a manager is rung by no second call."""

    call = models.ForeignKey(PhoneCall, on_delete=models.CASCADE, related_name="legs", verbose_name=_("call"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_legs", verbose_name=_("manager")
    )
    # Where the desk rang them (a phone in E.164 or a SIP address), as it was then.
    rang = models.CharField(_("rang"), max_length=200)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    answered = models.BooleanField(_("answered"), default=False)
    # Twilio's DialCallSid, once the <Dial> action tells it.
    leg_sid = models.CharField(_("Twilio leg id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("call leg")
        verbose_name_plural = _("call legs")
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["manager"], condition=Q(ended_at__isnull=True), name="leg_live_idx")]

    def __str__(self):
        return f"{self.call_id} → {self.rang}"

    @property
    def seconds(self) -> int | None:
        if self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds()))


class ShopVoice(models.Model):
    """How a shop answers the phone (Admin → Shops' phone settings). The shop's numbers are its ShopAddress rows
    with the channel "voice"."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="voice", verbose_name=_("shop"))
    ring_seconds = models.PositiveSmallIntegerField(
        _("ring each manager for, s"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )
    ring_at_most = models.PositiveSmallIntegerField(
        _("managers rung at most"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # Read by <Say> in the shop's customer language; the same template syntax as messages ({{ shop.name }}).
    greeting = models.TextField(_("greeting"), blank=True)
    greeting_url = models.URLField(
        _("greeting recording"), blank=True, help_text=_("An https address of a recording played instead.")
    )
    hours_text = models.TextField(
        _("outside hours"),
        blank=True,
        help_text=_(
            "What a caller hears outside working hours; empty: the shop's hours and “we will call you back”."
        ),
    )
    voicemail = models.BooleanField(_("voicemail"), default=True)
    record_calls = models.BooleanField(_("record calls"), default=False)
    legal_notice = models.TextField(
        _("recording notice"),
        blank=True,
        help_text=_("Read to every caller while calls are recorded; empty: a standard notice."),
    )
    callback_within = models.DurationField(
        _("call back within"),
        default=timedelta(minutes=15),
        validators=[validate_positive_duration],
        help_text=_("A missed call not called back in this time is shown to supervisors on the dashboard."),
    )

    class Meta:
        verbose_name = _("shop's phone settings")
        verbose_name_plural = _("shops' phone settings")

    def __str__(self):
        return gettext("Phone settings of %(shop)s") % {"shop": self.shop}

    def clean(self):
        # Tried on a made-up order, as call scripts are: a greeting that does not render is refused here, not
        # read out as written (or failing) to a caller the shop cannot see.
        from orders.templating import sample_context, text_render

        errors = {}
        try:
            text_render(self.greeting or "", sample_context(), "greeting")
        except TextDoesNotRender as exc:
            errors["greeting"] = str(exc)
        # Twilio fetches the recording while the caller waits: a plain http address is refused.
        if self.greeting_url and not self.greeting_url.lower().startswith("https://"):
            errors["greeting_url"] = gettext("Give an https:// address of the recording.")
        if errors:
            raise ValidationError(errors)
