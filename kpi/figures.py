"""The one list of what the KPI page counts and shows. A figure is a count of its source's rows (those its `rows`
filter keeps): the rollup keeps it in a ManagerDay column (`kept_as`), and the orders behind it are those very
rows (kpi.sources.figure_rows). A column is what the table, its sorting and the CSV show of a period's figures.
The rollup, the page, the CSV and the drill-downs all read these two lists."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.people import staff_name
from orders.models import CallOutcome, Status
from orders.services import PAST_DUE_TOLERANCE

if TYPE_CHECKING:
    from kpi.rollup import Row


@dataclass(frozen=True)
class Figure:
    name: str  # in the drill-down's address (?figure=) and the page's links
    title: str | Promise  # what the list of the orders behind it is called
    source: str  # kpi.sources.SOURCES
    rows: Q | None = None  # which of the source's rows it counts (None: all of them)
    kept_as: str | None = None  # the ManagerDay column the rollup counts it into (None: kept another way)
    lists: str = "orders"  # what its drill-down lists: "orders", "conversations" or "calls" (kpi:kpi_<lists>)

    def count(self) -> Count:
        return Count("pk", filter=self.rows)


def _figures(*figures: Figure) -> dict[str, Figure]:
    return {figure.name: figure for figure in figures}


FIGURES = _figures(
    Figure("taken", _("Taken"), "taken", kept_as="taken"),
    Figure("completed", _("Completed"), "completed", kept_as="completed"),
    Figure("cancelled", _("Cancelled"), "cancelled", kept_as="cancelled"),
    Figure("overdue", _("Went overdue"), "overdue", kept_as="overdue"),
    Figure("timeouts", _("Acceptance timed out"), "timeouts", kept_as="timeouts"),
    # Kept as a histogram (kpi.touch), not a count.
    Figure("touch", _("Taken up after assignment"), "touch"),
    # Calls told on the call panel by hand (a call from the manager's own phone); a call the desk placed counts
    # once, as a phone call below, however its outcome was told.
    Figure("calls", _("Calls logged by hand"), "calls", kept_as="calls"),
    Figure(
        "reached",
        _("Calls logged by hand as reached"),
        "calls",
        Q(call_outcome=CallOutcome.REACHED),
        kept_as="reached",
    ),
    # The desk's own phone calls (kpi.sources: PhoneCall and CallLeg rows), listed as calls.
    Figure("dialled", _("Calls placed through the desk"), "dialled", kept_as="dialled", lists="calls"),
    Figure(
        "dialled_reached",
        _("Calls placed through the desk that reached the customer"),
        "dialled",
        Q(outcome=CallOutcome.REACHED),
        kept_as="dialled_reached",
        lists="calls",
    ),
    Figure("answered", _("Incoming calls answered"), "answered", kept_as="answered", lists="calls"),
    # Their talk time is kept as a sum (kpi.rollup.SUMS).
    Figure("talked", _("Calls with talk"), "talked", kept_as="talked", lists="calls"),
    Figure(
        "rang_out",
        _("Incoming calls that rang and were not answered"),
        "rang_out",
        kept_as="rang_out",
        lists="calls",
    ),
    # A shop's missed calls (the table per shop, not a manager's figure): credited to whoever must call back.
    Figure("missed", _("Missed calls"), "missed", lists="calls"),
    Figure("tasks", _("Tasks closed"), "tasks", kept_as="tasks_done"),
    Figure(
        "tasks_on_time",
        _("Tasks closed on time"),
        "tasks",
        Q(done_at__lte=F("due_at") + PAST_DUE_TOLERANCE),
        kept_as="tasks_on_time",
    ),
    # Kept as how many 1s … 5s.
    Figure("ratings", _("Rated"), "ratings"),
    *(
        Figure(f"rated_{n}", format_lazy(_("Rated {rating}"), rating=n), "ratings", Q(rating=n))
        for n in range(1, 6)
    ),
    Figure("claims", _("Claims opened"), "claims", kept_as="claims_opened"),
    Figure("claims_resolved", _("Claims resolved"), "claims_resolved", kept_as="claims_resolved"),
    Figure(
        "conversations",
        _("Conversations handled"),
        "conversations",
        kept_as="conversations",
        lists="conversations",
    ),
    # Their times to first reply are kept as a histogram (kpi.touch) too.
    Figure(
        "first_replies",
        _("Conversations answered"),
        "first_replies",
        kept_as="first_replies",
        lists="conversations",
    ),
    Figure(
        "replied_in_time",
        _("Conversations answered within the shop's clock"),
        "first_replies",
        Q(first_replied_at__lte=F("first_reply_due_at")),
        kept_as="replied_in_time",
        lists="conversations",
    ),
)
# The figures the rollup keeps as counts: a ManagerDay column each.
COUNTS = [figure.kept_as for figure in FIGURES.values() if figure.kept_as]

STAY = "stay_"  # + a status code: the orders that left that status (the average time in it)


def figure_of(name: str) -> Figure | None:
    """The figure a drill-down asks for; None for a number the KPI table has not."""
    if name.startswith(STAY):
        code = name.removeprefix(STAY)
        status = Status.objects.filter(code=code).first()
        if status is None:
            return None
        title = _("Moved on from %(status)s") % {"status": status.name}
        return Figure(name, title, "stays", Q(status_from=code))
    return FIGURES.get(name)


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


@dataclass(frozen=True)
class Column:
    """A column of the KPI table: its heading, what sorting by it compares, and its columns in the CSV."""

    key: str  # in the page's address (?sort=)
    head: Promise
    sort_key: "Callable[[Row], Any]"
    csv: "list[tuple[str | Promise, Callable[[Row], Any]]]"  # a heading in the reader's language, how to read it
    average: str | None = None  # the count whose team average per manager the table's last line shows


COLUMNS = [
    # The manager's name and username: the CSV's first columns (the team's row names itself), not a figure.
    Column("name", _("Manager"), lambda row: staff_name(row.manager).lower(), []),
    Column("taken", _("Taken"), lambda row: row.taken, [(_("taken"), lambda row: row.taken)], "taken"),
    Column(
        "completed",
        _("Completed"),
        lambda row: row.completed,
        [(_("completed"), lambda row: row.completed)],
        "completed",
    ),
    Column(
        "cancelled",
        _("Cancelled"),
        lambda row: row.cancelled,
        [(_("cancelled"), lambda row: row.cancelled)],
        "cancelled",
    ),
    Column(
        "overdue",
        _("Overdue"),
        lambda row: row.overdue_share,
        [(_("overdue share"), lambda row: _share(row.overdue_share))],
    ),
    Column(
        "timeouts",
        _("Timeouts"),
        lambda row: row.timeouts,
        [(_("acceptance timeouts"), lambda row: row.timeouts)],
        "timeouts",
    ),
    Column(
        "touch",
        _("First touch"),
        lambda row: row.first_touch_median,
        [
            (
                _("first touch median s"),
                lambda row: "" if row.first_touch_median is None else round(row.first_touch_median),
            ),
            (_("first touch p90 s"), lambda row: row.first_touch_p90 or ""),
        ],
    ),
    Column(
        "calls",
        _("Calls"),
        lambda row: row.calls_made,
        [
            (_("calls"), lambda row: row.calls_made),
            (_("calls placed through the desk"), lambda row: row.dialled),
            (_("calls logged by hand"), lambda row: row.calls),
        ],
        "calls_made",
    ),
    Column(
        "reached",
        _("Reached"),
        lambda row: row.reached_share,
        [(_("reached share"), lambda row: _share(row.reached_share))],
    ),
    Column(
        "talk",
        _("Talk time"),
        lambda row: row.talk_seconds,
        [(_("talk time s"), lambda row: row.talk_seconds), (_("calls with talk"), lambda row: row.talked)],
    ),
    Column(
        "answered",
        _("Calls taken"),
        lambda row: row.answered,
        [(_("incoming calls answered"), lambda row: row.answered)],
        "answered",
    ),
    Column(
        "rang_out",
        _("Not answered"),
        lambda row: row.rang_out,
        [(_("incoming calls rang and not answered"), lambda row: row.rang_out)],
        "rang_out",
    ),
    Column(
        "tasks",
        _("Tasks on time"),
        lambda row: row.on_time_share,
        [
            (_("tasks closed"), lambda row: row.tasks_done),
            (_("on time share"), lambda row: _share(row.on_time_share)),
        ],
    ),
    Column("ratings", _("Ratings"), lambda row: row.rating_count, [(_("ratings"), lambda row: row.rating_count)]),
    Column(
        "rating",
        _("Avg rating"),
        lambda row: row.rating_average,
        [
            (_("average rating"), lambda row: _share(row.rating_average)),
            *((str(n), lambda row, n=n: row.ratings[n - 1]) for n in range(1, 6)),
        ],
    ),
    Column(
        "claims",
        _("Claims"),
        lambda row: row.claims_opened,
        [
            (_("claims opened"), lambda row: row.claims_opened),
            (_("claims resolved"), lambda row: row.claims_resolved),
        ],
        "claims_opened",
    ),
    Column(
        "conversations",
        _("Conversations"),
        lambda row: row.conversations,
        [(_("conversations handled"), lambda row: row.conversations)],
        "conversations",
    ),
    Column(
        "first_reply",
        _("First reply"),
        lambda row: row.first_reply_median,
        [
            (_("first reply median s"), lambda row: row.first_reply_median or ""),
            (_("first reply p90 s"), lambda row: row.first_reply_p90 or ""),
        ],
    ),
    Column(
        "replied_in_time",
        _("Replied in time"),
        lambda row: row.replied_in_time_share,
        [
            (_("first replies"), lambda row: row.first_replies),
            (_("replied in time share"), lambda row: _share(row.replied_in_time_share)),
        ],
    ),
]
SORTS = {column.key: column.sort_key for column in COLUMNS}
CSV_HEADS: list[str | Promise] = [
    _("manager"),
    _("username"),
    *(head for column in COLUMNS for head, _value in column.csv),
]


def csv_heads() -> list[str]:
    """The CSV's heading row in the reader's language."""
    return [str(head) for head in CSV_HEADS]


def csv_line(row: "Row", name: str, username: str) -> list:
    """A row of the CSV (payroll reads it: the headings in the reader's language, the numbers plain)."""
    return [name, username, *(value(row) for column in COLUMNS for _head, value in column.csv)]
