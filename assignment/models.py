import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.people import staff_name
from core.phrases import shown
from orders.durations import duration_label, validate_not_negative_duration, validate_positive_duration
from orders.models import E164, SingletonSettings
from orders.phones import phone_normalize

# sip:user@host, the host a name with a dot or an address, a port at most.
SIP_ADDRESS = re.compile(r"^sips?:[^@\s:;/]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d{1,5})?$")


class Presence(models.TextChoices):
    FREE = "free", _("Free")
    BUSY = "busy", pgettext_lazy("presence", "Busy")
    LUNCH = "lunch", _("Lunch")
    BREAK = "break", _("Break")
    OFFLINE = "offline", _("Offline")


class ManagerProfile(models.Model):
    """A manager's place in routing: presence, quota override and experience."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_profile", verbose_name=_("user")
    )
    presence = models.CharField(_("presence"), max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    presence_since = models.DateTimeField(_("presence since"), auto_now_add=True)
    quota_override = models.PositiveSmallIntegerField(
        _("quota override"),
        null=True,
        blank=True,
        help_text=_("Most open orders this manager holds at once; empty = the desk default."),
    )
    experience = models.PositiveSmallIntegerField(
        _("experience"), default=0, help_text=_("Higher gets VIP customers first.")
    )
    # Where an incoming or click-to-call call rings this manager: a phone (E.164) or a SIP address (a PBX or
    # softphone); the SIP address wins when both are set.
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[E164])
    sip = models.CharField(
        _("SIP address"), max_length=200, blank=True, help_text=_("e.g. sip:anna@shop.sip.twilio.com")
    )
    auto_dial = models.BooleanField(
        _("auto-dial"), default=False, help_text=_("Start the call at once when an order enters a calling status.")
    )
    # Refreshed at most once a minute while the manager uses the desk; an idle session past its age means
    # the manager has gone without logging out.
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True, editable=False)
    # When routing (or the manager, from the queue) last gave them an order, written under this row's lock: ties
    # go to whoever has waited longest, read here rather than from the growing decisions table.
    last_assigned_at = models.DateTimeField(_("last assigned at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("manager profile")
        verbose_name_plural = _("manager profiles")
        indexes = [models.Index(fields=["presence"], name="profile_presence_idx")]

    def __str__(self):
        return f"{staff_name(self.user)} ({self.get_presence_display()})"

    def clean_fields(self, exclude=None):
        """The phone typed as people write it ("8 916 123-45-67") is kept in E.164, as customers' phones are,
        before the fields are checked."""
        errors: dict[str, list[str]] = {}
        skip = set(exclude or ())
        if self.phone and "phone" not in skip:
            try:
                self.phone = phone_normalize(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
                skip.add("phone")
        try:
            super().clean_fields(exclude=skip)
        except ValidationError as exc:
            errors |= exc.message_dict
        if errors:
            raise ValidationError(errors)

    def clean(self):
        # Twilio dials a <Sip> address only as sip:user@host: anything else would fail while a customer waits.
        self.sip = self.sip.strip()
        if self.sip and self.sip[:4].lower() in ("sip:", "sips"):
            self.sip = self.sip[: self.sip.index(":")].lower() + self.sip[self.sip.index(":") :]
        if self.sip and not SIP_ADDRESS.match(self.sip):
            raise ValidationError(
                {"sip": gettext("Write the SIP address as sip:user@host, e.g. sip:anna@shop.sip.twilio.com.")}
            )

    # What the team view shows beside the profile, filled in by assignment.selectors.team_load (not columns).
    open_orders: int
    open_conversations: int
    load: int | float  # open orders, and open conversations at their weight
    open_tasks: int
    overdue_tasks: int
    timeouts: int
    lets_orders_slip: bool
    quota: int
    load_percent: int

    def quota_or(self, default_quota: int) -> int:
        return self.quota_override if self.quota_override is not None else default_quota


class PresenceChange(models.Model):
    """History of a manager's presence: one row per switch."""

    profile = models.ForeignKey(
        ManagerProfile, on_delete=models.CASCADE, related_name="presence_changes", verbose_name=_("profile")
    )
    presence = models.CharField(_("presence"), max_length=8, choices=Presence.choices)
    previous = models.CharField(_("previous"), max_length=8, choices=Presence.choices)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("presence change")
        verbose_name_plural = _("presence changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["profile", "-created_at"], name="presence_history_idx")]

    def __str__(self):
        return f"{staff_name(self.profile.user)}: {self.get_previous_display()} → {self.get_presence_display()}"


SHORTEST_ACCEPTANCE = timedelta(minutes=1)


class RoutingSettings(SingletonSettings):
    """Desk-wide routing defaults (one row, edited in admin)."""

    class QueuePriority(models.TextChoices):
        OLDEST = "oldest", _("Oldest first")
        NEWEST = "newest", _("Newest first")

    default_quota = models.PositiveSmallIntegerField(
        _("default quota"),
        default=10,
        help_text=_("Most open orders a manager holds at once, unless their profile says otherwise."),
    )
    queue_priority = models.CharField(
        _("queue priority"), max_length=8, choices=QueuePriority.choices, default=QueuePriority.OLDEST
    )
    sticky_wait = models.DurationField(
        _("sticky wait"),
        default=timedelta(minutes=10),
        validators=[validate_not_negative_duration],
        help_text=_("How long a repeat customer's order waits for their own manager."),
    )
    acceptance_timeout = models.DurationField(
        _("acceptance timeout"),
        default=timedelta(minutes=5),
        validators=[validate_positive_duration],
        null=True,
        blank=True,
        help_text=_(
            "An automatically assigned order its manager has not touched (status, call, note or task) in "
            "this time goes to someone else; empty = never."
        ),
    )

    timeout_cooloff = models.DurationField(
        _("cooling-off after a timeout"),
        default=timedelta(minutes=30),
        validators=[validate_not_negative_duration],
        help_text=_(
            "For this long after a manager lets an order time out, every other free manager is offered it "
            "first; if nobody else can take it, it goes back to them rather than wait."
        ),
    )
    queue_alert_after = models.DurationField(
        _("tell supervisors after"),
        default=timedelta(minutes=10),
        validators=[validate_positive_duration],
        help_text=_(
            "An order that has waited in the queue this long with no manager able to take it is reported "
            "to the shop's supervisors."
        ),
    )

    conversation_weight = models.DecimalField(
        _("weight of a conversation"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_(
            "How much an open conversation (a customer writing with no open order) counts toward a manager's "
            "quota, as a share of an order: 0.5 = two conversations take the room of one order; 0 = they do not "
            "count; 1 = as much as an order."
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("routing settings")

    def __str__(self):
        return gettext("Routing settings")

    def clean(self):
        # Nobody touches an order in seconds: a shorter timeout would take every routed order from its manager at
        # the next sweep. A bound in clean, not a field validator: no migration.
        if self.acceptance_timeout is not None and self.acceptance_timeout < SHORTEST_ACCEPTANCE:
            shortest = duration_label(SHORTEST_ACCEPTANCE)
            raise ValidationError(
                {
                    "acceptance_timeout": gettext("Make it at least %(shortest)s, or empty for never.")
                    % {"shortest": shortest}
                }
            )


class AssignmentDecision(models.Model):
    """Why an order or a conversation went to a manager: who was considered, the rule that chose, why others
    were not. Exactly one of `order` and `conversation`."""

    class Rule(models.TextChoices):
        REPEAT = "repeat", _("Repeat customer → their manager")
        VIP = "vip", _("VIP → most experienced free manager")
        EVEN_LOAD = "even_load", _("Even load → fewest open orders")
        TAKEN = "taken", _("Taken from the queue by the manager")

    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignment_decisions",
        verbose_name=_("order"),
    )
    conversation = models.ForeignKey(
        "orders.Conversation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignment_decisions",
        verbose_name=_("conversation"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("manager")
    )
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    candidates = models.JSONField(
        _("candidates"), default=list, help_text=_("The first eligible managers, with their open orders.")
    )
    candidate_count = models.PositiveIntegerField(
        _("candidate count"), default=0, help_text=_("How many managers were eligible.")
    )
    excluded = models.JSONField(
        _("passed over"), default=dict, help_text=_("The first managers passed over → why.")
    )
    excluded_counts = models.JSONField(
        _("passed over by reason"), default=dict, help_text=_("Managers passed over, counted by reason.")
    )
    # The headline of "why assigned" as a phrase (core.phrases), said in the reader's language: an order's history
    # line says it too; a conversation's panel reads it here.
    headline = models.JSONField(_("why"), null=True, blank=True, editable=False)
    # routing's clock, not the insert's
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # The acceptance clock: the manager must touch the order by `accept_by`, or it goes to someone else.
    accept_by = models.DateTimeField(_("take up by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    timed_out_at = models.DateTimeField(_("timed out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment decision")
        verbose_name_plural = _("assignment decisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) ^ Q(conversation__isnull=False),
                name="decision_order_or_conversation",
            )
        ]
        indexes = [
            models.Index(
                fields=["accept_by"],
                name="decision_awaiting_idx",
                condition=models.Q(accept_by__isnull=False, accepted_at__isnull=True, timed_out_at__isnull=True),
            ),
            models.Index(
                fields=["manager", "timed_out_at"],
                name="decision_timeouts_idx",
                condition=models.Q(timed_out_at__isnull=False),
            ),
            # The KPI rollup reads one day's decisions and one day's timeouts.
            models.Index(fields=["created_at"], name="decision_created_idx"),
            models.Index(
                fields=["timed_out_at"],
                name="decision_timed_out_idx",
                condition=models.Q(timed_out_at__isnull=False),
            ),
        ]

    def __str__(self):
        routed = self.order if self.order_id is not None else self.conversation
        return f"{routed} → {staff_name(self.manager)} ({self.get_rule_display()})"

    @property
    def shown_text(self) -> str:
        """The headline of "why assigned" in the reader's language (what `_why_assigned.html` shows)."""
        return shown(self.headline, "")


class QueueAlert(models.Model):
    """Supervisors were told this order waited in the queue with nobody able to take it (once per order)."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="queue_alert", verbose_name=_("order")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("queue alert")
        verbose_name_plural = _("queue alerts")

    def __str__(self):
        return gettext("%(order)s waited in the queue") % {"order": self.order}
