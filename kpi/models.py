"""The KPIs' daily rollups: what each manager did in a day, kept so a period adds days up instead of reading
the orders."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.people import staff_name


class ManagerDay(models.Model):
    """One manager's figures for one day on the desk's clock: the KPI page adds these up for a period instead of
    reading the orders (the current day is computed live)."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kpi_days", verbose_name=_("manager")
    )
    day = models.DateField(_("day"))
    # The counts: a column for each figure kpi.figures keeps (Figure.kept_as).
    taken = models.PositiveIntegerField(_("taken"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    overdue = models.PositiveIntegerField(_("went overdue"), default=0)
    timeouts = models.PositiveIntegerField(_("acceptance timeouts"), default=0)
    calls = models.PositiveIntegerField(_("calls logged by hand"), default=0)
    reached = models.PositiveIntegerField(_("calls logged by hand as reached"), default=0)
    # The desk's own phone calls: placed (and of them reached), taken in, talked on with the talk time summed,
    # and incoming calls that rang the manager and were not answered.
    dialled = models.PositiveIntegerField(_("calls placed"), default=0)
    dialled_reached = models.PositiveIntegerField(_("calls placed that reached"), default=0)
    answered = models.PositiveIntegerField(_("incoming calls answered"), default=0)
    talked = models.PositiveIntegerField(_("calls with talk"), default=0)
    talk_seconds = models.PositiveIntegerField(_("talk time, s"), default=0)
    rang_out = models.PositiveIntegerField(_("incoming calls not answered"), default=0)
    tasks_done = models.PositiveIntegerField(_("tasks closed"), default=0)
    tasks_on_time = models.PositiveIntegerField(_("tasks closed on time"), default=0)
    ratings = models.JSONField(
        _("ratings"), default=list, blank=True, help_text=_("How many 1s … 5s were credited.")
    )
    claims_opened = models.PositiveIntegerField(_("claims opened"), default=0)
    claims_resolved = models.PositiveIntegerField(_("claims resolved"), default=0)
    # Time from assignment to first touch as a histogram ({bucket: count}, kpi.touch): a period's
    # median needs the distribution, not a mean, and a day's row stays small however many orders it had.
    first_touch = models.JSONField(_("first touch"), default=dict, blank=True)
    # Conversations: handled (first replied or closed), first replied, first replied by the shop's clock; and
    # the times to first reply, as a histogram like first_touch.
    conversations = models.PositiveIntegerField(_("conversations handled"), default=0)
    first_replies = models.PositiveIntegerField(_("conversations answered"), default=0)
    replied_in_time = models.PositiveIntegerField(_("conversations answered in time"), default=0)
    first_reply = models.JSONField(_("time to first reply"), default=dict, blank=True)
    # Time orders spent in each status, counted when they left it: {status code: [seconds, times]}.
    status_time = models.JSONField(_("time in each status"), default=dict, blank=True)
    # Which edition of the figures' rules (kpi.rollup.RULES) wrote the row: the nightly run rewrites rows an
    # older edition wrote, so a past period and the lists behind its numbers count alike.
    rules = models.PositiveSmallIntegerField(_("rules edition"), default=1)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("manager's day")
        verbose_name_plural = _("managers' days")
        constraints = [models.UniqueConstraint(fields=["manager", "day"], name="managerday_once")]
        indexes = [models.Index(fields=["day", "manager"], name="managerday_day_idx")]

    def __str__(self):
        return gettext("%(manager)s on %(day)s") % {"manager": staff_name(self.manager), "day": self.day}
