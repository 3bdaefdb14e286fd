"""KPIs: what each manager did in a day, counted from what the apps record (history, decisions, tasks, rating
credits, claims) with a handful of grouped queries per day, kept as daily rollups; and a period's figures added
up from them (today's computed live), with the team's totals and average."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.formats import day_label
from feedback.models import Claim, RatingCredit
from kpi.figures import COUNTS, FIGURES
from kpi.models import ManagerDay
from kpi.sources import SOURCES, source_grouped
from kpi.touch import touch_bucket, touch_count, touch_merge, touch_percentile
from orders.models import OrderEvent

# The edition of what the figures count (kpi.sources); raise it when a rule changes. 2: taken once per
# manager and order, overdue for whoever held the order then, every figure the length of its list. 3: the
# desk's own phone calls, and a call outcome the phone told no longer counted again as a call logged by hand.
RULES = 3
# Days of rows written under older rules rewritten per nightly run, the latest first.
STALE_DAYS_PER_RUN = 62

# What the rollup counts from each source in one grouped query: {source: {ManagerDay column: count}}.
KEPT = {
    name: {
        figure.kept_as: figure.count() for figure in FIGURES.values() if figure.source == name and figure.kept_as
    }
    for name in SOURCES
}

# Times kept as histograms (kpi.touch): (ManagerDay column, source, the bucket of each row's time).
HISTOGRAMS = [
    ("first_touch", "touch", touch_bucket),
    ("first_reply", "first_replies", lambda: touch_bucket("created_at", "first_replied_at")),
]
KEPT_TIMES = [kept for kept, _source, _bucket in HISTOGRAMS]

# Amounts kept as sums of a field of a source's rows: (ManagerDay column, source, field).
SUMS = [("talk_seconds", "talked", "duration")]
# Every number a day keeps that a period adds up: the counts and the sums.
ADDED = COUNTS + [kept for kept, _source, _field in SUMS]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A day on the desk's clock, as the moments it starts and ends."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time(), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


def day_figures(day: date) -> dict[int, dict]:
    """Every manager's figures for one day: {manager id: {figure: value}}."""
    start, end = day_bounds(day)
    figures: dict[int, dict] = defaultdict(
        lambda: {"ratings": [0] * 5, "status_time": {}} | {kept: {} for kept, _source, _bucket in HISTOGRAMS}
    )
    for name, source in SOURCES.items():
        if KEPT[name]:
            for person, values in source_grouped(source, KEPT[name], start, end).items():
                figures[person].update(values)
    for kept, summed, field_name in SUMS:
        for person, values in source_grouped(SOURCES[summed], {kept: Sum(field_name)}, start, end).items():
            figures[person].update(values)
    credits = SOURCES["ratings"].rows(start, end)
    for person, rating, count in credits.values_list("user", "rating").annotate(n=Count("pk")):
        figures[person]["ratings"][rating - 1] = count
    for person, code, seconds in _status_stays(start, end):
        spent = figures[person]["status_time"].setdefault(code, [0, 0])
        spent[0], spent[1] = spent[0] + seconds, spent[1] + 1
    for kept, timed_by, bucket in HISTOGRAMS:
        timed = SOURCES[timed_by]
        for person, at, count in (
            timed.rows(start, end)
            .order_by()
            .values(person=timed.person(), bucket=bucket())
            .annotate(n=Count("pk"))
            .values_list("person", "bucket", "n")
        ):
            if person is not None:
                figures[person][kept][str(at)] = count
    return {person: {name: values.get(name, 0) for name in ADDED} | values for person, values in figures.items()}


def _status_stays(start: datetime, end: datetime) -> list[tuple[int, str, int]]:
    """(person, status, seconds) for each order that left a status in the day: from when it entered it (its
    previous status line, or its creation) to the line that moved it on; the person who moved it on (else the
    order's manager) is credited. Two queries, as many rows as the day's status changes."""
    source = SOURCES["stays"]
    left = list(
        source.rows(start, end)
        .annotate(person=source.person())
        .values_list("order_id", "created_at", "pk", "status_from", "person")
    )
    if not left:
        return []
    entries = defaultdict(list)
    kinds = [OrderEvent.Kind.STATUS, OrderEvent.Kind.CREATED]
    history = OrderEvent.objects.filter(order_id__in={row[0] for row in left}, kind__in=kinds, created_at__lt=end)
    for order_id, moment, pk in history.order_by("created_at", "pk").values_list("order_id", "created_at", "pk"):
        entries[order_id].append((moment, pk))
    stays = []
    for order_id, moment, pk, status_from, person in left:
        # Written in the same instant still means before it: the history's order is (moment, id).
        before = [entry for entry, entry_pk in entries[order_id] if (entry, entry_pk) < (moment, pk)]
        if before and person is not None and status_from:
            stays.append((person, status_from, round((moment - before[-1]).total_seconds())))
    return stays


@transaction.atomic
def kpi_rollup_day(*, day: date) -> int:
    """Write (or rewrite, when late data arrived) the day's rollups; how many managers had figures."""
    figures = day_figures(day)
    ManagerDay.objects.filter(day=day).exclude(manager_id__in=figures).delete()
    for person, values in figures.items():
        ManagerDay.objects.update_or_create(manager_id=person, day=day, defaults=values | {"rules": RULES})
    return len(figures)


def kpi_rollup_due(*, now: datetime | None = None) -> int:
    """The nightly run: yesterday and any day since the last run a missed night left out, each earlier day a
    late rating or claim changed since the last run, and the latest days whose rows older rules wrote."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_run = ManagerDay.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    days = {today - timedelta(days=1)}
    if last_run is not None:
        # Nights the run missed (the cluster was down): every day from the last run's up to yesterday.
        missed = min((today - timezone.localdate(last_run)).days, STALE_DAYS_PER_RUN)
        days |= {today - timedelta(days=n) for n in range(1, missed + 1)}
        late = RatingCredit.objects.filter(rated_at__gte=last_run, completed_at__lt=day_bounds(today)[0])
        days |= {timezone.localdate(moment) for moment in late.values_list("completed_at", flat=True)}
        claims = Claim.objects.filter(Q(created_at__gte=last_run) | Q(closed_at__gte=last_run))
        days |= {timezone.localdate(moment) for moment in claims.values_list("created_at", flat=True)}
    stale = ManagerDay.objects.filter(rules__lt=RULES).order_by("-day").values_list("day", flat=True).distinct()
    days |= set(stale[:STALE_DAYS_PER_RUN])
    return sum(kpi_rollup_day(day=day) for day in sorted(days) if day < today)


def ratings_add(counts: list[int], more: list[int]) -> list[int]:
    """Two distributions of ratings (how many 1s … 5s) added up."""
    return [a + b for a, b in zip(counts, more, strict=True)]


def ratings_mean(counts: list[int]) -> float | None:
    """The average rating of a distribution (how many 1s … 5s); None without ratings."""
    total = sum(counts)
    return sum((n + 1) * c for n, c in enumerate(counts)) / total if total else None


@dataclass
class Row:
    """A manager's (or the team's) figures for a period."""

    manager: User | None = None  # None: the team's row
    values: dict = field(
        default_factory=lambda: {name: 0 for name in ADDED} | {"ratings": [0] * 5} | {k: {} for k in KEPT_TIMES}
    )

    def add(self, values: dict) -> None:
        for name in ADDED:
            self.values[name] += values.get(name) or 0
        spent = self.values.setdefault("status_time", {})
        for code, (seconds, times) in (values.get("status_time") or {}).items():
            total = spent.setdefault(code, [0, 0])
            spent[code] = [total[0] + seconds, total[1] + times]
        self.values["ratings"] = ratings_add(self.values["ratings"], values.get("ratings", [0] * 5))
        for kept in KEPT_TIMES:
            self.values[kept] = touch_merge(self.values[kept], values.get(kept) or {})

    def __getattr__(self, name):
        if name in ADDED:
            return self.values[name]
        raise AttributeError(name)

    @property
    def rating_count(self) -> int:
        return sum(self.values["ratings"])

    @property
    def rating_average(self) -> float | None:
        return ratings_mean(self.values["ratings"])

    @property
    def ratings(self) -> list[int]:
        return self.values["ratings"]

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.taken if self.taken else None

    @property
    def calls_made(self) -> int:
        """Calls the desk placed and calls logged by hand (from the manager's own phone): each call once."""
        return self.dialled + self.calls

    @property
    def reached_share(self) -> float | None:
        return (self.dialled_reached + self.reached) / self.calls_made if self.calls_made else None

    @property
    def on_time_share(self) -> float | None:
        return self.tasks_on_time / self.tasks_done if self.tasks_done else None

    def status_times(self, code: str) -> int:
        """How many times orders left this status (the number behind its average)."""
        return self.values.get("status_time", {}).get(code, [0, 0])[1]

    def status_average(self, code: str) -> float | None:
        seconds, times = self.values.get("status_time", {}).get(code, [0, 0])
        return seconds / times if times else None

    @property
    def touch_count(self) -> int:
        return touch_count(self.values["first_touch"])

    @property
    def first_touch_median(self) -> int | None:
        """Half the orders were taken up within this many seconds (to the histogram's bound)."""
        return touch_percentile(self.values["first_touch"], 0.5)

    @property
    def first_touch_p90(self) -> int | None:
        return touch_percentile(self.values["first_touch"], 0.9)

    @property
    def first_reply_median(self) -> int | None:
        """Half the conversations had their first reply within this many seconds (to the histogram's bound)."""
        return touch_percentile(self.values["first_reply"], 0.5)

    @property
    def first_reply_p90(self) -> int | None:
        return touch_percentile(self.values["first_reply"], 0.9)

    @property
    def replied_in_time_share(self) -> float | None:
        """Of the conversations first answered, the share answered by the shop's first-reply clock."""
        return self.replied_in_time / self.first_replies if self.first_replies else None


@dataclass
class Period:
    first: date
    last: date  # inclusive

    @property
    def label(self) -> str:
        """ "7 Dec 2026" or "1 Dec – 7 Dec 2026", months in the reader's language ("1 дек. – 7 дек. 2026")."""
        if self.first == self.last:
            return f"{day_label(self.first)} {self.first.year}"
        return f"{day_label(self.first)} – {day_label(self.last)} {self.last.year}"


def live_days(*, period: Period, today: date) -> list[date]:
    """The period's days read live rather than from rollups: today, and the days before it that no nightly run
    has rolled up yet (before tonight's run at 00:30, or a night it missed, until the next run catches up), so
    a number never lacks a day the list behind it has. A run rolls up the days before its own, so those are
    the days from the latest run's on (with no run yet, yesterday)."""
    last_run = ManagerDay.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    first = timezone.localdate(last_run) if last_run is not None else today - timedelta(days=1)
    first = max(min(first, today), today - timedelta(days=STALE_DAYS_PER_RUN), period.first)
    last = min(today, period.last)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _rollups(manager_ids, period: Period, live: dict):
    """The nightly rollups of these managers for the period's days not read live."""
    return ManagerDay.objects.filter(
        manager_id__in=manager_ids, day__gte=period.first, day__lte=period.last
    ).exclude(day__in=list(live))


def live_figures(*, period: Period, today: date | None = None) -> dict[date, dict[int, dict]]:
    """{day: figures} for the period's days read live (`live_days`), computed once, shared by the table and
    the charts."""
    today = today or timezone.localdate()
    return {day: day_figures(day) for day in live_days(period=period, today=today)}


def kpi_period(
    *, managers, period: Period, today: date | None = None, live: dict | None = None
) -> tuple[list[Row], Row]:
    """Each manager's figures for the period (rollups for past days, today and days not rolled up yet live)
    and the team's totals; the number of queries does not grow with the days or the orders."""
    today = today or timezone.localdate()
    live = live_figures(period=period, today=today) if live is None else live
    rows = {manager.pk: Row(manager=manager) for manager in managers}
    for day in _rollups(rows, period, live).values("manager_id", *ADDED, *KEPT_TIMES, "ratings", "status_time"):
        rows[day.pop("manager_id")].add(day)
    for figures in live.values():
        for person, values in figures.items():
            if person in rows:
                rows[person].add(values)
    team = Row()
    for row in rows.values():
        team.add(row.values)
    return list(rows.values()), team


@dataclass
class Series:
    """What the charts draw (and the tables beside them show): the team's orders and overdue share per day, and
    each manager's average rating per week."""

    days: list[tuple[date, int, float | None]]
    weeks: list[date]
    rating_by_manager: list[tuple[User, list[float | None]]]


def kpi_series(*, managers, period: Period, today: date | None = None, live: dict | None = None) -> Series:
    today = today or timezone.localdate()
    live = live_figures(period=period, today=today) if live is None else live
    people = {manager.pk: manager for manager in managers}
    per_day: dict[date, dict[int, dict]] = defaultdict(dict)
    for row in _rollups(people, period, live).values("day", "manager_id", "taken", "overdue", "ratings"):
        per_day[row["day"]][row["manager_id"]] = row
    for day, figures in live.items():
        per_day[day] = {person: values for person, values in figures.items() if person in people}
    days, day = [], period.first
    while day <= period.last:
        taken = sum(values["taken"] for values in per_day[day].values())
        overdue = sum(values["overdue"] for values in per_day[day].values())
        days.append((day, taken, overdue / taken if taken else None))
        day += timedelta(days=1)
    weeks = sorted({day - timedelta(days=day.weekday()) for day, _, _ in days})
    ratings: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0] * 5)
    for day, by_person in per_day.items():
        week = day - timedelta(days=day.weekday())
        for person, values in by_person.items():
            ratings[person, week] = ratings_add(ratings[person, week], values["ratings"])
    by_manager = []
    for person, manager in people.items():
        means = [ratings_mean(ratings.get((person, week), [0] * 5)) for week in weeks]
        averages = [None if mean is None else round(mean, 2) for mean in means]
        if any(value is not None for value in averages):
            by_manager.append((manager, averages))
    return Series(days=days, weeks=weeks, rating_by_manager=by_manager)
