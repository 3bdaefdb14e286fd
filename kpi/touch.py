"""Times kept as histograms: counts per bucket of fixed bounds (from assignment to first touch; from a
conversation's start to its first reply). A day's rollup then holds a few dozen numbers however many orders it
had, periods add up bucket by bucket, and a percentile is read as "the bound within which that share of orders was
taken up" (exact when a time sits on a bound)."""

from datetime import timedelta

from django.db.models import Case, F, IntegerField, Value, When

# Upper bounds in seconds, each at most a third above the one before: 5 s … 7 days; beyond: the last bucket.
TOUCH_BOUNDS = [
    5, 10, 15, 20, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720, 900, 1200, 1500, 1800,
    2400, 3000, 3600, 4500, 5400, 7200, 9000, 10800, 14400, 18000, 21600, 28800, 36000, 43200, 57600, 72000,
    86400, 129600, 172800, 259200, 345600, 604800,
]  # fmt: skip


def touch_bucket(began: str = "created_at", ended: str = "accepted_at"):
    """The bucket of the time from a row's `began` to its `ended` (a decision's first touch, by default), worked
    out by the database (one grouped row per bucket)."""
    return Case(
        *[
            When(**{f"{ended}__lte": F(began) + timedelta(seconds=bound)}, then=Value(index))
            for index, bound in enumerate(TOUCH_BOUNDS)
        ],
        default=Value(len(TOUCH_BOUNDS)),
        output_field=IntegerField(),
    )


def touch_merge(into: dict, more: dict) -> dict:
    """Two histograms ({bucket index as text: count}, as JSON keeps them) added up."""
    merged = dict(into)
    for bucket, count in more.items():
        merged[str(bucket)] = merged.get(str(bucket), 0) + count
    return merged


def touch_count(histogram: dict) -> int:
    return sum(histogram.values())


def touch_percentile(histogram: dict, share: float) -> int | None:
    """The smallest bound within which at least `share` of the touches fall; None without touches. Beyond the
    last bound it is that bound (the page says "7 days" for anything longer)."""
    total = touch_count(histogram)
    if not total:
        return None
    seen = 0
    for index in sorted(int(bucket) for bucket in histogram):
        seen += histogram[str(index)]
        if seen >= share * total:
            return TOUCH_BOUNDS[min(index, len(TOUCH_BOUNDS) - 1)]
    return TOUCH_BOUNDS[-1]
