"""Durations as people write them in settings: "3 days", "2 h", "30 min", "1 day 2 h 30 min"; shown the same
way. Validators keep nonsense (a negative or zero time limit) out of the models, whatever edits them."""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_duration
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext

UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "h": "hours",
    "hr": "hours",
    "hour": "hours",
    "hours": "hours",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "s": "seconds",
    "sec": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    # Russian, as duration_label writes it and as people type it
    "д": "days",
    "дн": "days",
    "день": "days",
    "дня": "days",
    "дней": "days",
    "ч": "hours",
    "час": "hours",
    "часа": "hours",
    "часов": "hours",
    "м": "minutes",
    "мин": "minutes",
    "минута": "minutes",
    "минуты": "minutes",
    "минут": "minutes",
    "с": "seconds",
    "сек": "seconds",
    "секунда": "seconds",
    "секунды": "seconds",
    "секунд": "seconds",
}
PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")


def _examples() -> str:
    return gettext('"30 min", "2 h", "3 days" or "1 day 2 h"')


def duration_label(value: timedelta | None) -> str:
    """ "3 days", "2 h 30 min", "45 s"; an empty string for no duration."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        ngettext("%(count)d day", "%(count)d days", days) % {"count": days} if days else "",
        pgettext("duration", "%(count)s h") % {"count": hours} if hours else "",
        pgettext("duration", "%(count)s min") % {"count": minutes} if minutes else "",
        pgettext("duration", "%(count)s s") % {"count": seconds} if seconds else "",
    ]
    return sign + (
        " ".join(part for part in parts if part) or pgettext("duration", "%(count)s min") % {"count": 0}
    )


def duration_parse(text: str) -> timedelta:
    """A duration from people's words ("1 day 2 h", "90 min") or Django's own form ("3 00:00:00")."""
    try:
        return _parsed(text)
    except OverflowError:  # more days than a timedelta holds
        longest = duration_label(LONGEST_SETTING)
        raise ValidationError(
            gettext("Make it at most %(longest)s: longer is a typo, not a plan.") % {"longest": longest}
        ) from None


def _parsed(text: str) -> timedelta:
    text = text.strip().lower()
    if text.startswith("-"):
        raise ValidationError(gettext("A duration cannot be negative."))
    if not text or re.fullmatch(r"[\d.,]+", text):
        raise ValidationError(gettext("Say the unit too, such as %(examples)s.") % {"examples": _examples()})
    parsed = parse_duration(text)
    if parsed is not None:
        return parsed
    parts = PART.findall(text)
    leftover = PART.sub("", text).replace(",", "").strip()
    if not parts or leftover or any(unit not in UNITS for _, unit in parts):
        raise ValidationError(gettext("Write a duration such as %(examples)s.") % {"examples": _examples()})
    return timedelta(**_summed(parts))


def _summed(parts) -> dict[str, float]:
    total: dict[str, float] = {}
    for number, unit in parts:
        name = UNITS[unit]
        total[name] = total.get(name, 0) + float(number.replace(",", "."))
    return total


def validate_positive_duration(value: timedelta) -> None:
    if value is not None and value <= timedelta(0):
        raise ValidationError(
            gettext("Must be longer than zero (leave it empty for none, where that is allowed).")
        )


def validate_not_negative_duration(value: timedelta) -> None:
    if value is not None and value < timedelta(0):
        raise ValidationError(gettext("Cannot be negative."))


@deconstructible
class DurationBetween:
    """A setting's time within bounds a shop would recognise, e.g. a status time limit from 1 min to 90 days."""

    def __init__(self, low: timedelta, high: timedelta):
        self.low, self.high = low, high

    def __call__(self, value: timedelta | None) -> None:
        if value is None:
            return
        if value < self.low:
            raise ValidationError(gettext("Make it at least %(low)s.") % {"low": duration_label(self.low)})
        if value > self.high:
            raise ValidationError(
                gettext("Make it at most %(longest)s: longer is a typo, not a plan.")
                % {"longest": duration_label(self.high)}
            )

    def __eq__(self, other):
        return isinstance(other, DurationBetween) and (self.low, self.high) == (other.low, other.high)


# The status time limits and the no-answer ladder's waits share one range: a minute to ninety days.
SETTING_DURATION = DurationBetween(timedelta(minutes=1), timedelta(days=90))
# Any time typed in admin: a year is the longest a shop plans for, and "now + the setting" must stay a date
# (thousands of years overflowed it and every new order failed).
LONGEST_SETTING = timedelta(days=366)
AT_MOST_A_YEAR = DurationBetween(timedelta(0), LONGEST_SETTING)


_placeholder = lazy(lambda: pgettext("duration", "e.g. 30 min"), str)


class DurationInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, timedelta):
            return duration_label(value)
        return super().format_value(value)


class HumanDurationField(forms.DurationField):
    """The admin's duration field: shows and accepts "3 days", "2 h", "30 min"."""

    widget = DurationInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("placeholder", _placeholder())

    def prepare_value(self, value):
        return duration_label(value) if isinstance(value, timedelta) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, timedelta):
            return value
        return duration_parse(str(value))
