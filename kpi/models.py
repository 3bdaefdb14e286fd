"""The KPIs' daily rollups: what each manager did in a day, kept so a period adds days up instead of reading
the orders."""

from django.conf import settings
from django.db import models

from core.people import staff_name


class ManagerDay(models.Model):
    """One manager's figures for one day on the desk's clock: the KPI page adds these up for a period instead of
    reading the orders (the current day is computed live)."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kpi_days")
    day = models.DateField()
    # The counts: a column for each figure kpi.figures keeps (Figure.kept_as).
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
    # Time from assignment to first touch as a histogram ({bucket: count}, kpi.touch): a period's
    # median needs the distribution, not a mean, and a day's row stays small however many orders it had.
    first_touch = models.JSONField(default=dict, blank=True)
    # Time orders spent in each status, counted when they left it: {status code: [seconds, times]}.
    status_time = models.JSONField(default=dict, blank=True)
    # Which edition of the figures' rules (kpi.rollup.RULES) wrote the row: the nightly run rewrites rows an
    # older edition wrote, so a past period and the lists behind its numbers count alike.
    rules = models.PositiveSmallIntegerField(default=1)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manager", "day"], name="managerday_once")]
        indexes = [models.Index(fields=["day", "manager"], name="managerday_day_idx")]

    def __str__(self):
        return f"{staff_name(self.manager)} on {self.day}"
