"""Durations as people type them in settings and as the desk shows them (`orders.durations`). No database."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from orders.durations import SETTING_DURATION, duration_label, duration_parse

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("90 min", timedelta(minutes=90)),
        ("1.5 h", timedelta(hours=1, minutes=30)),
        ("1,5 h", timedelta(hours=1, minutes=30)),
        ("2 days", timedelta(days=2)),
        ("1 day", timedelta(days=1)),
        ("3d", timedelta(days=3)),
        ("1 day 2 h 30 min", timedelta(days=1, hours=2, minutes=30)),
        ("2h30min", timedelta(hours=2, minutes=30)),
        ("45 s", timedelta(seconds=45)),
        ("  2 H  ", timedelta(hours=2)),
        ("1 h, 30 min", timedelta(hours=1, minutes=30)),
        ("30 min 30 min", timedelta(hours=1)),  # the same unit twice adds up
        ("3 00:00:00", timedelta(days=3)),  # Django's own form, as a form posts it back
        ("0 min", timedelta(0)),
    ],
)
def test_a_duration_is_read_as_people_write_it(typed, meant):
    assert duration_parse(typed) == meant


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Say the unit too"),
        ("90", "Say the unit too"),
        ("1.5", "Say the unit too"),
        ("-5 min", "cannot be negative"),
        ("5 parsecs", "Write a duration such as"),
        ("soon", "Write a duration such as"),
        ("2 h and 3 min", "Write a duration such as"),
        ("h 2", "Write a duration such as"),
        ("99999999999 days", "Make it at most 366 days"),
    ],
    ids=["empty", "no unit", "a fraction with no unit", "negative", "unknown unit", "words", "and", "unit first",
         "overflow"],
)  # fmt: skip
def test_a_duration_that_cannot_be_read_is_refused_saying_what_to_write(typed, says):
    with pytest.raises(ValidationError, match=says):
        duration_parse(typed)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (timedelta(minutes=90), "1 h 30 min"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=1, hours=2, minutes=30), "1 day 2 h 30 min"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(0), "0 min"),
        (timedelta(minutes=-30), "-30 min"),
        (None, ""),
    ],
)
def test_a_duration_is_shown_in_the_largest_units_that_fit(value, shown):
    assert duration_label(value) == shown


@pytest.mark.parametrize(
    "value",
    [timedelta(minutes=1), timedelta(minutes=90), timedelta(days=3, hours=4, seconds=5), timedelta(days=366)],
)
def test_what_is_shown_reads_back_as_the_same_duration(value):
    assert duration_parse(duration_label(value)) == value


def refusal_of(value: timedelta | None) -> str:
    try:
        SETTING_DURATION(value)
    except ValidationError as error:
        return error.messages[0]
    return ""


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        (timedelta(seconds=59), "Make it at least 1 min."),
        (timedelta(minutes=1), ""),
        (timedelta(days=90), ""),
        (timedelta(days=90, seconds=1), "Make it at most 90 days: longer is a typo, not a plan."),
        (None, ""),  # none, where a setting allows it
    ],
)
def test_a_status_limit_is_a_minute_to_ninety_days(value, refusal):
    assert refusal_of(value) == refusal
