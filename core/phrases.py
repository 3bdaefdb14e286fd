"""Sentences the desk stores as data and says in the reader's language: history lines, the bell, the tasks the
desk plans.

A writer builds a `Phrase` from a message id marked for the catalogue and its parameters:

    phrase(gettext_noop("Order received (%(method)s), total %(total)s."), method=label(...), total=Money(...))
    phrase(*plural_noop("after %(count)s call", "after %(count)s calls"), count=misses)

and stores `to_json()` beside the English sentence (`english()`, kept for search, admin lists and exports). A
reader calls `shown(row.phrase, row.text)`: the phrase rendered in the active language, or the row's text when it
has no phrase (a line written before phrases, or free text a person typed, which is never translated) or when its
phrase cannot be read.

Parameters are plain values (names, numbers, codes: said as they are) or values said in the reader's language at
read time: a nested `Phrase` (a choice label: `label()` keeps its English msgid), a `Moment`, a `Day`, `Money`,
or a list of values (`Items`, joined with commas). JSON shape of a parameter: a string or an integer, or
{"phrase": {...}}, {"moment": "<ISO 8601>"}, {"day": "<ISO 8601>"}, {"money": "4770.00", "currency": "RUB"},
{"list": [...]} (with "sep" when not a comma)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Union

from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from core import formats

# "a and b": the message id `listed` says a list with.
_AND = gettext_noop("%(first)s and %(second)s")


def plural_noop(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural message id for the catalogue (core/management/commands/makemessages.py tells
    xgettext), as gettext_noop marks one; `phrase(*plural_noop(...), count=n)` picks the form at read time."""
    return singular, plural


@dataclass(frozen=True)
class Moment:
    """A moment, said at read time as the desk writes moments (desk time, the reader's locale); `time_only`: the
    time of day alone ("14:05")."""

    at: datetime
    time_only: bool = False


@dataclass(frozen=True)
class Day:
    """A calendar day, said at read time in the reader's month names ("27 Nov")."""

    day: date


@dataclass(frozen=True)
class Money:
    """An amount in a currency (ISO code), said at read time in the reader's locale with the currency's sign."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Items:
    """Values said one after another, separated by `sep`."""

    values: tuple["Param", ...]
    sep: str = ", "


Param = Union[str, int, "Phrase", Moment, Day, Money, Items]


@dataclass(frozen=True)
class Phrase:
    """A sentence as data: its message id (and plural message id, the form chosen by the `count` parameter), the
    parameters it is said with, and `lower` (said in lower case, for a label inside a sentence)."""

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str = ""
    lower: bool = False

    def render(self) -> str:
        """The sentence in the active language; with a catalogue entry that does not fit the parameters, the
        English sentence; with parameters that fit no form, the message id itself (never an error)."""
        try:
            return self._format(translated=True)
        except (KeyError, ValueError, TypeError):
            with translation.override("en"):
                try:
                    return self._format(translated=False)
                except (KeyError, ValueError, TypeError):
                    return self.msgid

    def english(self) -> str:
        """The sentence in English: what the row's `text` keeps."""
        with translation.override("en"):
            return self.render()

    def _format(self, *, translated: bool) -> str:
        if self.plural:
            count = self.params["count"]
            if not isinstance(count, int):
                raise TypeError("A plural phrase's count is an integer.")
            template = (
                translation.ngettext(self.msgid, self.plural, count)
                if translated
                else (self.msgid if count == 1 else self.plural)
            )
        else:
            template = translation.gettext(self.msgid) if translated else self.msgid
        text = template % {name: _said(value) for name, value in self.params.items()} if self.params else template
        return text.lower() if self.lower else text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid}
        if self.params:
            data["params"] = {name: _param_json(value) for name, value in self.params.items()}
        if self.plural:
            data["plural"] = self.plural
        if self.lower:
            data["lower"] = True
        return data

    @classmethod
    def from_json(cls, data: object) -> "Phrase":
        """The phrase `to_json()` wrote; ValueError for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("msgid"), str):
            raise ValueError("A phrase is an object with a msgid.")
        params = data.get("params", {})
        plural, lower = data.get("plural", ""), data.get("lower", False)
        if not isinstance(params, dict) or not isinstance(plural, str) or not isinstance(lower, bool):
            raise ValueError("A phrase's params are an object, its plural a string, its lower a boolean.")
        if plural and "count" not in params:
            raise ValueError("A plural phrase has a count.")
        return cls(data["msgid"], {str(k): _param_from_json(v) for k, v in params.items()}, plural, lower)


Value = Param | datetime | date | Promise | None


def phrase(msgid: str, plural: str = "", /, **params: Value) -> Phrase:
    """A phrase from a marked message id (and plural message id, with a `count` parameter) and its parameters:
    a datetime becomes a Moment, a date a Day, a lazy string (a choice label) a nested phrase of its message id,
    None (a value not set, as an order's number before it is saved) an empty string."""
    if plural and not isinstance(params.get("count"), int):
        raise ValueError("A plural phrase needs an integer count.")
    return Phrase(msgid, {name: _param(value) for name, value in params.items()}, plural)


def label(value: object, *, lower: bool = False) -> Phrase:
    """A label (a choice's, a field's verbose name: lazy or not) as a nested phrase of its English message id, so
    it is said in the reader's language."""
    with translation.override(None):  # no catalogue: a lazy label gives its message id
        return Phrase(str(value), lower=lower)


def joined(values: Sequence[Value], sep: str = ", ") -> Items:
    """Values said one after another, separated by `sep` (a comma by default)."""
    return Items(tuple(_param(value) for value in values), sep)


def listed(values: Sequence[Value]) -> Param:
    """Values said as a list in a sentence: "a", "a and b", "a, b and c" (in the reader's language)."""
    if len(values) == 1:
        return _param(values[0])
    return phrase(_AND, first=joined(values[:-1]), second=values[-1])


def stored(data: object, text: str) -> Phrase | str:
    """A stored row's sentence: its phrase, or its text when it has no phrase (written before phrases, or typed
    by a person) or a phrase that cannot be read. A parameter of another phrase as it is."""
    if data is None:
        return text
    try:
        return Phrase.from_json(data)
    except (ValueError, TypeError, InvalidOperation):
        return text


def shown(data: object, text: str) -> str:
    """What a stored row says to the reader, in the active language (`stored`)."""
    sentence = stored(data, text)
    return sentence.render() if isinstance(sentence, Phrase) else sentence


def _param(value: Value) -> Param:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return Moment(value)
    if isinstance(value, date):
        return Day(value)
    if isinstance(value, Promise):
        return label(value)
    if isinstance(value, bool) or not isinstance(value, str | int | Phrase | Moment | Day | Money | Items):
        raise TypeError(f"A phrase cannot keep a {type(value).__name__}.")
    return value


def _said(value: Param) -> str | int:
    match value:
        case Phrase():
            return value.render()
        case Moment(at, time_only):
            return time_format(timezone.localtime(at), "H:i") if time_only else formats.moment_label(at)
        case Day(day):
            return formats.day_label(day)
        case Money(amount, currency):
            return formats.money(amount, currency)
        case Items(values, sep):
            return sep.join(str(_said(item)) for item in values)
    return value


def _param_json(value: Param) -> Any:
    match value:
        case Phrase():
            return {"phrase": value.to_json()}
        case Moment(at, time_only):
            return {"moment": at.isoformat(), "time_only": True} if time_only else {"moment": at.isoformat()}
        case Day(day):
            return {"day": day.isoformat()}
        case Money(amount, currency):
            return {"money": str(amount), "currency": currency}
        case Items(values, sep):
            listed = {"list": [_param_json(item) for item in values]}
            return listed if sep == ", " else listed | {"sep": sep}
    return value


def _param_from_json(data: object) -> Param:
    if isinstance(data, str) or (isinstance(data, int) and not isinstance(data, bool)):
        return data
    if isinstance(data, dict):
        if "phrase" in data:
            return Phrase.from_json(data["phrase"])
        if isinstance(data.get("moment"), str):
            at = datetime.fromisoformat(data["moment"])
            if timezone.is_naive(at):
                raise ValueError("A moment has its offset.")
            return Moment(at, time_only=data.get("time_only") is True)
        if isinstance(data.get("day"), str):
            return Day(date.fromisoformat(data["day"]))
        if isinstance(data.get("money"), str) and isinstance(data.get("currency"), str):
            return Money(Decimal(data["money"]), data["currency"])
        if isinstance(data.get("list"), list) and isinstance(data.get("sep", ", "), str):
            return Items(tuple(_param_from_json(item) for item in data["list"]), data.get("sep", ", "))
    raise ValueError(f"Not a phrase parameter: {data!r}.")


def text_columns(text: str | Phrase, limit: int) -> dict[str, Any]:
    """The `text` and `phrase` a row keeps for a sentence: a phrase as data and in English, free text as typed."""
    if isinstance(text, Phrase):
        return {"text": text.english()[:limit], "phrase": text.to_json()}
    return {"text": text[:limit], "phrase": None}
