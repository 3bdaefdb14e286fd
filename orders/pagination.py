"""Pages without COUNT(*): one extra row tells whether there is a next page, so a page of a million-row
list costs the same as a page of a short one."""

from dataclasses import dataclass, field


@dataclass
class CheapPage:
    items: list
    number: int
    has_next: bool
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


def paginate(request, queryset, per_page: int = 25) -> CheapPage:
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return CheapPage(items=rows[:per_page], number=number, has_next=len(rows) > per_page, query=params.urlencode())
