"""Pages whose cost stays flat however long the list: rows are read with one extra to know whether a next page
exists, and the total is counted only up to a cap (beyond it the page says "more than 10,000"), so a page of a
million-row list costs the same as a page of a short one."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext

# Beyond this many rows the total is not counted exactly.
COUNT_CAP = 10_000


@dataclass
class CheapPage:
    items: list[Any]
    number: int
    has_next: bool
    per_page: int = 25
    total: int | None = None  # None: more than COUNT_CAP
    query: str = field(default="")  # the request's other GET parameters, kept in page links

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def total_label(self) -> str:
        """The count as the reader's language groups digits: "1,234" / "1 234"."""
        if self.total is not None:
            return number_format(self.total, force_grouping=True)
        return gettext("more than %(count)s") % {"count": number_format(COUNT_CAP, force_grouping=True)}

    @property
    def last_number(self) -> int | None:
        """The last page's number when the total is known."""
        return max(1, -(-self.total // self.per_page)) if self.total is not None else None

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to offer: the first, the last (when known) and two either side of this one; None is a
        gap ("…")."""
        last = self.last_number or self.number + (1 if self.has_next else 0)
        shown = sorted({1, last, *range(max(1, self.number - 2), min(last, self.number + 2) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = 25, *, count: bool = True
) -> CheapPage:
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    total = None
    if count:
        capped = queryset.order_by()[: COUNT_CAP + 1].count()
        total = capped if capped <= COUNT_CAP else None
    params = request.GET.copy()
    params.pop("page", None)
    return CheapPage(
        items=rows[:per_page],
        number=number,
        has_next=len(rows) > per_page,
        per_page=per_page,
        total=total,
        query=params.urlencode(),
    )
