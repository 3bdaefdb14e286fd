"""The KPI page's numbers: sorting links, shares and durations, and a number linked to the orders behind it."""

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.translation import pgettext

from core.formats import percent_label
from kpi.figures import FIGURES

register = template.Library()


@register.simple_tag
def sort_query(query, key: str, current: str) -> str:
    """The page's query with the table sorted by `key` (again on the same column: the other way round)."""
    query = query.copy()
    query["sort"] = f"-{key}" if current == key else key
    return query.urlencode()


@register.filter
def percent(value) -> str:
    return percent_label(value)


@register.filter
def seconds(value) -> str:
    """A short duration from seconds, in the reader's language: "45 s", "12 min", "3.5 h" / "3,5 ч"."""
    if value < 60:
        return pgettext("duration", "%(count)s s") % {"count": f"{value:.0f}"}
    if value < 3600:
        return pgettext("duration", "%(count)s min") % {"count": f"{value / 60:.0f}"}
    return pgettext("duration", "%(count)s h") % {"count": formats.number_format(value / 3600, 1, use_l10n=True)}


@register.filter
def hours(value) -> str:
    """Seconds as hours for a chart's data ("1.25"), with a dot whatever the language."""
    return f"{value / 3600:.2f}"


@register.simple_tag(takes_context=True)
def kpi_number(context, value, figure: str, shown=None):
    """A number of the KPI table, linked to the orders (or conversations) behind it when the row's are the
    viewer's to see (`link_to` in the context: a manager's id, "team", or nothing); a zero has nothing behind."""
    text = value if shown is None else shown
    link_to = context.get("link_to")
    if not link_to or not value:
        return conditional_escape(text)
    # The address up to the figure is the same for the whole table: made once per page (a table has hundreds).
    cache = context.render_context
    lists = FIGURES[figure].lists if figure in FIGURES else "orders"  # stay_<status>: orders
    if f"kpi_{lists}_url" not in cache:
        query = QueryDict(mutable=True)
        for key in ("period", "first", "last", "shop", "sort"):  # sort: for the way back
            if context["query"].get(key):
                query[key] = context["query"][key]
        kept = query.urlencode()
        cache[f"kpi_{lists}_url"] = f"{reverse(f'kpi:kpi_{lists}')}?{kept}{'&' if kept else ''}"
    url = f"{cache[f'kpi_{lists}_url']}figure={figure}&manager={link_to}"
    # data-value: the count the list behind it must have, whatever the cell shows (a share, an average).
    return format_html('<a href="{}" data-testid="kpi-{}" data-value="{}">{}</a>', url, figure, value, text)


@register.filter
def rated_figure(rating: int) -> str:
    """The KPI figure of the orders rated `rating`."""
    return f"rated_{rating}"
