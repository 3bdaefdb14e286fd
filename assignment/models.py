from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from orders.durations import duration_label, validate_not_negative_duration, validate_positive_duration
from orders.models import SingletonSettings
from orders.roles import staff_name


class Presence(models.TextChoices):
    FREE = "free", "Free"
    BUSY = "busy", "Busy"
    LUNCH = "lunch", "Lunch"
    BREAK = "break", "Break"
    OFFLINE = "offline", "Offline"


class ManagerProfile(models.Model):
    """A manager's place in routing: presence, quota override and experience."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_profile")
    presence = models.CharField(max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    presence_since = models.DateTimeField(auto_now_add=True)
    quota_override = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most open orders this manager holds at once; empty = the desk default."
    )
    experience = models.PositiveSmallIntegerField(default=0, help_text="Higher gets VIP customers first.")
    # Refreshed at most once a minute while the manager uses the desk; an idle session past its age means
    # the manager has gone without logging out.
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When routing (or the manager, from the queue) last gave them an order, written under this row's lock: ties
    # go to whoever has waited longest, read here rather than from the growing decisions table.
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["presence"], name="profile_presence_idx")]

    def __str__(self):
        return f"{staff_name(self.user)} ({self.get_presence_display()})"

    # What the team view shows beside the profile, filled in by assignment.selectors.team_load (not columns).
    open_orders: int
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

    profile = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="presence_changes")
    presence = models.CharField(max_length=8, choices=Presence.choices)
    previous = models.CharField(max_length=8, choices=Presence.choices)
    reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["profile", "-created_at"], name="presence_history_idx")]

    def __str__(self):
        return f"{staff_name(self.profile.user)}: {self.previous} → {self.presence}"


SHORTEST_ACCEPTANCE = timedelta(minutes=1)


class RoutingSettings(SingletonSettings):
    """Desk-wide routing defaults (one row, edited in admin)."""

    class QueuePriority(models.TextChoices):
        OLDEST = "oldest", "Oldest first"
        NEWEST = "newest", "Newest first"

    default_quota = models.PositiveSmallIntegerField(
        default=10, help_text="Most open orders a manager holds at once, unless their profile says otherwise."
    )
    queue_priority = models.CharField(max_length=8, choices=QueuePriority.choices, default=QueuePriority.OLDEST)
    sticky_wait = models.DurationField(
        default=timedelta(minutes=10),
        validators=[validate_not_negative_duration],
        help_text="How long a repeat customer's order waits for their own manager.",
    )
    acceptance_timeout = models.DurationField(
        default=timedelta(minutes=5),
        validators=[validate_positive_duration],
        null=True,
        blank=True,
        help_text="An automatically assigned order its manager has not touched (status, call, note or task) in "
        "this time goes to someone else; empty = never.",
    )

    timeout_cooloff = models.DurationField(
        "cooling-off after a timeout",
        default=timedelta(minutes=30),
        validators=[validate_not_negative_duration],
        help_text="For this long after a manager lets an order time out, every other free manager is offered it "
        "first; if nobody else can take it, it goes back to them rather than wait.",
    )
    queue_alert_after = models.DurationField(
        "tell supervisors after",
        default=timedelta(minutes=10),
        validators=[validate_positive_duration],
        help_text="An order that has waited in the queue this long with no manager able to take it is reported "
        "to the shop's supervisors.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "routing settings"

    def __str__(self):
        return "Routing settings"

    def clean(self):
        # Nobody touches an order in seconds: a shorter timeout would take every routed order from its manager at
        # the next sweep. A bound in clean, not a field validator: no migration.
        if self.acceptance_timeout is not None and self.acceptance_timeout < SHORTEST_ACCEPTANCE:
            shortest = duration_label(SHORTEST_ACCEPTANCE)
            raise ValidationError({"acceptance_timeout": f"Make it at least {shortest}, or empty for never."})


class AssignmentDecision(models.Model):
    """Why an order went to a manager: who was considered, the rule that chose, why others were not."""

    class Rule(models.TextChoices):
        REPEAT = "repeat", "Repeat customer → their manager"
        VIP = "vip", "VIP → most experienced free manager"
        EVEN_LOAD = "even_load", "Even load → fewest open orders"
        TAKEN = "taken", "Taken from the queue by the manager"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="assignment_decisions")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    candidates = models.JSONField(default=list, help_text="The first eligible managers, with their open orders.")
    candidate_count = models.PositiveIntegerField(default=0, help_text="How many managers were eligible.")
    excluded = models.JSONField(default=dict, help_text="The first managers passed over → why.")
    excluded_counts = models.JSONField(default=dict, help_text="Managers passed over, counted by reason.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)  # routing's clock, not the insert's
    # The acceptance clock: the manager must touch the order by `accept_by`, or it goes to someone else.
    accept_by = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    timed_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
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
        return f"{self.order} → {staff_name(self.manager)} ({self.get_rule_display()})"


class QueueAlert(models.Model):
    """Supervisors were told this order waited in the queue with nobody able to take it (once per order)."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="queue_alert")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.order} waited in the queue"


class ManagerDay(models.Model):
    """One manager's figures for one day on the desk's clock: the KPI page adds these up for a period instead of
    reading the orders (the current day is computed live)."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kpi_days")
    day = models.DateField()
    taken = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    timeouts = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    tasks_done = models.PositiveIntegerField(default=0)
    tasks_on_time = models.PositiveIntegerField(default=0)
    ratings = models.JSONField(default=list, blank=True, help_text="How many 1s … 5s were credited.")
    claims_opened = models.PositiveIntegerField(default=0)
    claims_resolved = models.PositiveIntegerField(default=0)
    # Time from assignment to first touch as a histogram ({bucket: count}, assignment.kpi_touch): a period's
    # median needs the distribution, not a mean, and a day's row stays small however many orders it had.
    first_touch = models.JSONField(default=dict, blank=True)
    # Time orders spent in each status, counted when they left it: {status code: [seconds, times]}.
    status_time = models.JSONField(default=dict, blank=True)
    # Which edition of the figures' rules (assignment.kpi.RULES) wrote the row: the nightly run rewrites rows an
    # older edition wrote, so a past period and the lists behind its numbers count alike.
    rules = models.PositiveSmallIntegerField(default=1)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manager", "day"], name="managerday_once")]
        indexes = [models.Index(fields=["day", "manager"], name="managerday_day_idx")]

    def __str__(self):
        return f"{staff_name(self.manager)} on {self.day}"
