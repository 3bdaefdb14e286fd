"""Russia's places and their time zones, read offline from `orders/data/ru_zones.csv`: the 85 federal subjects
(with their capitals) and the major cities, by their Russian and Latin names and the spellings people write
(«г. Владивосток», «Приморский край», «СПб», «Московская обл.»). A customer's zone comes from the place of their
delivery address or order region (`place_in`), else from a phone number that pins one zone, else it is the shop's
(`derive_zone`)."""

import csv
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from orders.clock import zone_for_phone

TABLE = Path(__file__).parent / "data" / "ru_zones.csv"
# Abbreviations as addresses write them, read as the word.
ABBREVIATIONS = {"обл": "область", "кр": "край", "респ": "республика", "ао": "автономный округ"}
# Longest name in words ("ханты мансийский автономный округ югра").
LONGEST = 6


@dataclass(frozen=True)
class Place:
    kind: str  # "region" or "city"
    name: str  # as Russians write it: «Владивосток», «Приморский край»
    name_en: str
    zone: str
    capital: str  # a region's capital city


@dataclass(frozen=True)
class DerivedZone:
    """A customer's zone as derived from what the desk knows of them ("" when nothing says: the shop's)."""

    zone: str
    source: str  # a Customer.ZoneSource value: address, phone or shop
    place: str = ""


def _words(text: str) -> tuple[str, ...]:
    words = re.findall(r"\w+", text.lower().replace("ё", "е"))
    return tuple(spelled for word in words for spelled in ABBREVIATIONS.get(word, word).split())


@cache
def _table() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    """The table's places, each with the other ways it is written."""
    with TABLE.open(encoding="utf-8") as table:
        return tuple(
            (
                Place(
                    kind=row["kind"],
                    name=row["name"],
                    name_en=row["name_en"],
                    zone=row["zone"],
                    capital=row["capital"],
                ),
                tuple(filter(None, row["aliases"].split(";"))),
            )
            for row in csv.DictReader(table)
        )


def places() -> tuple[Place, ...]:
    return tuple(place for place, _ in _table())


@cache
def _index() -> dict[tuple[str, ...], Place]:
    """Every way of writing a place, as words, to the place (the first row that spells it so wins)."""
    index: dict[tuple[str, ...], Place] = {}
    for place, aliases in _table():
        for spelling in (place.name, place.name_en, *aliases):
            index.setdefault(_words(spelling), place)
    return index


def place_in(text: str) -> Place | None:
    """The place a free-text address or region names: a city when it names one (a city is more precise than its
    region: Yakutia spans three zones), else a region; the first one written wins. Whole words only, so
    «ул. Московская» is not Moscow."""
    words, index = _words(text), _index()
    found: list[Place] = []
    position = 0
    while position < len(words):
        for length in range(min(LONGEST, len(words) - position), 0, -1):
            place = index.get(words[position : position + length])
            if place is not None:
                found.append(place)
                position += length
                break
        else:
            position += 1
    cities = [place for place in found if place.kind == "city"]
    return next(iter(cities or found), None)


def derive_zone(*, places_written: Iterable[str], phone: str) -> DerivedZone:
    """The zone the customer's address or region says (the first text that names a place), else the one their
    phone number pins, else none (the shop's)."""
    for text in places_written:
        place = place_in(text)
        if place is not None:
            return DerivedZone(zone=place.zone, source="address", place=place.name)
    by_phone = zone_for_phone(phone) if phone else ""
    if by_phone:
        return DerivedZone(zone=by_phone, source="phone")
    return DerivedZone(zone="", source="shop")


def zone_choices() -> list[tuple[str, str]]:
    """Russia's zones for a select, west to east: "UTC+10 · Владивосток, Хабаровск, Уссурийск… (Asia/Vladivostok)",
    the examples being the table's cities in that zone. (A zone outside Russia is set in admin.)"""
    cities: dict[str, list[str]] = {}
    for place in places():
        if place.kind == "city":
            cities.setdefault(place.zone, []).append(place.name)
    offsets = {zone: _utc_offset(zone) for zone in cities}
    return [
        (zone, f"UTC{offsets[zone] // 3600:+d} · {', '.join(cities[zone][:4])} ({zone})")
        for zone in sorted(cities, key=lambda zone: (offsets[zone], zone))
    ]


def _utc_offset(zone: str) -> int:
    offset = datetime(2026, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0
