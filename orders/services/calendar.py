"""Shops' calendars filled from a production calendar file: `date,kind,note` lines (see
orders/data/production_calendar_ru.csv)."""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from orders.exceptions import CalendarFileRefused
from orders.models import Shop, ShopDay

# Russia's production calendar as the government's decrees publish it (sources in the file's header).
PRODUCTION_CALENDAR_RU = Path(__file__).resolve().parents[1] / "data" / "production_calendar_ru.csv"
CALENDAR_COLUMNS = ["date", "kind", "note"]
NOTE_LENGTH = ShopDay._meta.get_field("note").max_length


@dataclass(frozen=True)
class CalendarLine:
    date: date
    kind: str
    note: str


@dataclass
class CalendarImport:
    """What an import did to one shop's calendar: dates added, dates whose kind or note changed, dates kept."""

    added: list[date] = field(default_factory=list)
    changed: list[date] = field(default_factory=list)
    unchanged: int = 0


def production_calendar_parse(text: str) -> list[CalendarLine]:
    """The file's lines, in file order; lines starting with # and blank lines are skipped, the first other line is
    the header. CalendarFileRefused names the first line that does not read."""
    lines: list[CalendarLine] = []
    seen: dict[date, int] = {}
    header_read = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in next(csv.reader([raw]))]
        if not header_read:
            if cells != CALENDAR_COLUMNS:
                raise CalendarFileRefused(f"Line {number}: the header must be {','.join(CALENDAR_COLUMNS)}.")
            header_read = True
            continue
        lines.append(_line(number, cells, seen))
    if not header_read:
        raise CalendarFileRefused(f"The file has no header line ({','.join(CALENDAR_COLUMNS)}).")
    return lines


def _line(number: int, cells: list[str], seen: dict[date, int]) -> CalendarLine:
    if len(cells) not in (2, 3):
        raise CalendarFileRefused(f"Line {number}: expected date,kind,note; got {len(cells)} fields.")
    text_date, kind, note = (*cells, "")[:3]
    try:
        day = date.fromisoformat(text_date)
    except ValueError:
        raise CalendarFileRefused(f"Line {number}: {text_date!r} is not a date (YYYY-MM-DD).") from None
    if kind not in ShopDay.Kind.values:
        raise CalendarFileRefused(f"Line {number}: kind {kind!r} is not one of {', '.join(ShopDay.Kind.values)}.")
    if NOTE_LENGTH is not None and len(note) > NOTE_LENGTH:
        raise CalendarFileRefused(f"Line {number}: the note is longer than {NOTE_LENGTH} characters.")
    if day in seen:
        raise CalendarFileRefused(f"Line {number}: {day} is already on line {seen[day]}.")
    seen[day] = number
    return CalendarLine(date=day, kind=kind, note=note)


def shop_days_import(*, shops: list[Shop], lines: list[CalendarLine]) -> dict[Shop, CalendarImport]:
    """Put the lines into each shop's calendar, in one transaction: a date the shop lacks is added; one whose kind
    or note differs takes the file's (a new kind drops the day's own hours); the rest are kept as they are, so a
    second run changes nothing."""
    results = {shop: CalendarImport() for shop in shops}
    with transaction.atomic():
        existing = {
            (day.shop_id, day.date): day
            for day in ShopDay.objects.select_for_update().filter(
                shop__in=shops, date__in=[line.date for line in lines]
            )
        }
        added, changed = [], []
        for shop in shops:
            result = results[shop]
            for line in lines:
                day = existing.get((shop.pk, line.date))
                if day is None:
                    added.append(ShopDay(shop=shop, date=line.date, kind=line.kind, note=line.note))
                    result.added.append(line.date)
                elif (day.kind, day.note) != (line.kind, line.note):
                    if day.kind != line.kind:
                        day.opens_at = day.closes_at = None
                    day.kind, day.note = line.kind, line.note
                    changed.append(day)
                    result.changed.append(line.date)
                else:
                    result.unchanged += 1
        ShopDay.objects.bulk_create(added)
        ShopDay.objects.bulk_update(changed, ["kind", "note", "opens_at", "closes_at"])
    return results
