"""How the desk writes money, moments, days, relative times and shares in the reader's language: "4 770 ₽" and
"7 дек., 13:04" in Russian, "₽4,770" and "7 Dec, 13:04" in English. Pages, messages and the picker read these;
CSV exports keep plain machine numbers."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import dateformat, formats, timezone
from django.utils.translation import pgettext, pgettext_lazy

# A month after a day number ("7 Dec" / "7 дек."): Django's own "M" gives "Дек" in Russian, so the desk names
# its months itself (the genitive abbreviations of Russian typography: янв., февр., мая, сент., …).
MONTHS = [
    pgettext_lazy("month after a day", "Jan"),
    pgettext_lazy("month after a day", "Feb"),
    pgettext_lazy("month after a day", "Mar"),
    pgettext_lazy("month after a day", "Apr"),
    pgettext_lazy("month after a day", "May"),
    pgettext_lazy("month after a day", "Jun"),
    pgettext_lazy("month after a day", "Jul"),
    pgettext_lazy("month after a day", "Aug"),
    pgettext_lazy("month after a day", "Sep"),
    pgettext_lazy("month after a day", "Oct"),
    pgettext_lazy("month after a day", "Nov"),
    pgettext_lazy("month after a day", "Dec"),
]
# A currency's sign, the same in both languages; a sign made of letters is kept apart from the number.
SIGNS = {"RUB": "₽", "KZT": "₸", "BYN": "Br", "USD": "$", "EUR": "€"}


def money(amount: Decimal | int | float | None, currency: str = "RUB") -> str:
    """An amount as the active language writes it: "4 770 ₽", "4 770,50 ₽", "-150 ₽" in Russian; "₽4,770",
    "₽4,770.50", "-₽150" in English. Kopecks (cents) are shown only when there are some."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    places = 0 if value == value.to_integral_value() else 2
    number = formats.number_format(abs(value), places, use_l10n=True, force_grouping=True)
    # Translators: where the currency sign goes. Russian: "%(amount)s\u00a0%(sign)s" (4 770 ₽).
    pattern = pgettext("money", "%(sign)s%(amount)s")
    sign = SIGNS.get(currency, currency)
    if sign[-1].isalpha() and pattern.startswith("%(sign)s"):
        sign += "\xa0"  # "Br 4,770": a sign of letters is kept apart from the number, as CLDR does
    return ("-" if value < 0 else "") + pattern % {"sign": sign, "amount": number}


def day_label(value: date | datetime) -> str:
    """A day as the desk writes it: "7 Dec" / "7 дек." (a moment's day in desk time)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {MONTHS[value.month - 1]}"


def weekday_label(value: date | datetime) -> str:
    """A day with its weekday: "Mon 7 Dec" / "Пн 7 дек."."""
    return f"{dateformat.format(value, 'D')} {day_label(value)}"


def moment_label(moment: datetime) -> str:
    """A moment in desk time as people on the desk read it: "7 Dec, 13:04" / "7 дек., 13:04"."""
    local = timezone.localtime(moment)
    # Translators: a day ("7 Dec") and a time ("13:04").
    return pgettext("moment", "%(day)s, %(time)s") % {"day": day_label(local), "time": f"{local:%H:%M}"}


def relative_label(moment: datetime) -> str:
    """How far a moment is from now: "4 minutes from now" / "через 4 минуты", "an hour ago" / "час назад"."""
    return str(naturaltime(moment))


def percent_label(share: float) -> str:
    """A share as the active language writes it: "12.5%" / "12,5 %", a tenth of a percent shown when there is
    one ("50%", not "50.0%")."""
    value = round(share * 100, 1)
    number = formats.number_format(value, 0 if value == int(value) else 1, use_l10n=True, force_grouping=True)
    # Translators: a percentage; Russian puts a no-break space before the sign: "%(number)s\u00a0%%".
    return pgettext("percent", "%(number)s%%") % {"number": number}
