"""What each KPI number counts: for a figure, the rows of a day that count it and the person each is credited
to. The day's rollup groups them by person (kpi.rollup.day_figures), today's live figures are the same
grouping, and the drill-down from a number lists those very rows (`figure_rows`); which rows of a source a
figure counts is in kpi.figures, one line per row counted: a
number and its list can never disagree, for a manager or for the team (whose number adds the managers' up).

Every row is counted with `Count("pk")` and credited to someone fixed when the row was written (never the
order's manager as it is now), so a day's figures do not change when an order changes hands later and days add
up: a period's number is the sum of its days'."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Aggregate, Exists, Expression, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least

from assignment.models import AssignmentDecision
from feedback.models import Claim, RatingCredit
from kpi.figures import Figure
from orders.history import Call as CallLine
from orders.models import HAND_KINDS, CallLeg, Conversation, OrderEvent, PhoneCall, Status, Task


@dataclass(frozen=True)
class Source:
    """Rows of a day [start, end) (each has an `order`, but conversations) and who each is credited to."""

    rows: Callable[[datetime, datetime], QuerySet]
    person: Callable[[], Expression | F]


def _events(kind, **lookups):
    def rows(start, end):
        return OrderEvent.objects.filter(kind=kind, created_at__gte=start, created_at__lt=end, **lookups)

    return rows


def _status_events(group: str):
    def rows(start, end):
        codes = Status.objects.filter(group=group).values_list("code", flat=True)
        return _events(OrderEvent.Kind.STATUS)(start, end).filter(status_to__in=list(codes))

    return rows


def _given_to():
    return F("manager_to")


def _earlier(**lookups) -> QuerySet:
    """History lines of the outer row's order written before it: the history is append-only, so its ids grow in
    the order it was written (and the order's index with the id reads a few rows per line; comparing moments
    first took six times as long on a busy day)."""
    return OrderEvent.objects.filter(order=OuterRef("order"), pk__lt=OuterRef("pk"), **lookups)


def _taken(start, end):
    """Each order a manager was given, once: the first time it came to them (given back later, it is not taken
    again), so a period's orders taken are its days' added up."""
    before = _earlier(kind__in=HAND_KINDS).annotate(to=_given_to()).filter(to=OuterRef("to"))
    return (
        OrderEvent.objects.filter(
            kind__in=HAND_KINDS, created_at__gte=start, created_at__lt=end, manager_to__isnull=False
        )
        .annotate(to=_given_to())
        .filter(~Exists(before))
    )


def _holder():
    """Who held the order when the line was written: the latest change of hands before it."""
    hands = _earlier(kind__in=HAND_KINDS).order_by("-pk")
    return Subquery(hands.annotate(to=_given_to()).values("to")[:1], output_field=IntegerField())


def _typed_calls(start, end):
    """Call outcomes told on the call panel by hand; a line the desk's own call wrote counts as that call. A typed
    line has no phone call: an empty key, or none (lines written before the desk had a phone)."""
    return _events(OrderEvent.Kind.CALL)(start, end).filter(CallLine.typed())


def _phone_calls(direction: str | None = None, **lookups):
    """The desk's phone calls started in the day (a call counts on the day it began)."""

    def rows(start, end):
        calls = PhoneCall.objects.filter(started_at__gte=start, started_at__lt=end, **lookups)
        return calls if direction is None else calls.filter(direction=direction)

    return rows


def _rang_out(start, end):
    """Each time an incoming call rang a manager who did not pick up (the leg is over, unanswered)."""
    return CallLeg.objects.filter(
        started_at__gte=start, started_at__lt=end, ended_at__isnull=False, answered=False
    )


def _missed(start, end):
    return PhoneCall.objects.filter(missed_at__gte=start, missed_at__lt=end)


def _someone():
    # Whoever made the change; a change the desk made itself counts for whoever held the order then.
    return Coalesce("actor", _holder())


def _handled(start, end):
    """Conversations handled in the day: first replied or closed (spam closed unanswered counts too), counted
    once, on the day of the earlier of the two, so a period's number is its days' added up."""
    replied, closed = F("first_replied_at"), F("closed_at")
    return Conversation.objects.annotate(
        handled_at=Least(Coalesce(replied, closed), Coalesce(closed, replied))
    ).filter(handled_at__gte=start, handled_at__lt=end)


def _first_replies(start, end):
    return Conversation.objects.filter(first_replied_at__gte=start, first_replied_at__lt=end)


def _conversation_holder():
    # Its manager; one closed from the queue unassigned (spam) counts for whoever closed it.
    return Coalesce("manager", "closed_by")


SOURCES: dict[str, Source] = {
    "taken": Source(_taken, lambda: F("to")),
    "completed": Source(_status_events(Status.Group.COMPLETE), _someone),
    "cancelled": Source(_status_events(Status.Group.CANCEL), _someone),
    # Each time an order went overdue, for whoever held it then.
    "overdue": Source(_events(OrderEvent.Kind.OVERDUE), _holder),
    "calls": Source(_typed_calls, lambda: F("actor")),
    # Calls the desk placed, for the manager who placed them; calls in, for the manager who answered.
    "dialled": Source(_phone_calls(PhoneCall.Direction.OUTBOUND), lambda: F("manager")),
    "answered": Source(_phone_calls(PhoneCall.Direction.INBOUND, answered_at__isnull=False), lambda: F("manager")),
    # Calls in or out a manager talked on (their talk time is the sum of these calls' durations).
    "talked": Source(_phone_calls(duration__gt=0), lambda: F("manager")),
    "rang_out": Source(_rang_out, lambda: F("manager")),
    # A shop's missed calls, for whoever must call back (the call-back task's assignee).
    "missed": Source(_missed, lambda: F("callback_task__assignee")),
    "timeouts": Source(
        lambda start, end: AssignmentDecision.objects.filter(timed_out_at__gte=start, timed_out_at__lt=end),
        lambda: F("manager"),
    ),
    "touch": Source(
        lambda start, end: AssignmentDecision.objects.filter(
            created_at__gte=start, created_at__lt=end, accept_by__isnull=False, accepted_at__isnull=False
        ),
        lambda: F("manager"),
    ),
    "tasks": Source(
        lambda start, end: Task.objects.filter(done_at__gte=start, done_at__lt=end), lambda: F("done_by")
    ),
    # A rating counts in the day its order was completed, for everyone credited with it.
    "ratings": Source(
        lambda start, end: RatingCredit.objects.filter(completed_at__gte=start, completed_at__lt=end),
        lambda: F("user"),
    ),
    # A claim counts once for each person credited with the order's rating (one credit per person and order).
    "claims": Source(
        lambda start, end: Claim.objects.filter(created_at__gte=start, created_at__lt=end),
        lambda: F("order__rating_credits__user"),
    ),
    # Orders that left a status, credited to whoever moved them on (the average time in each status).
    "stays": Source(_events(OrderEvent.Kind.STATUS), _someone),
    "claims_resolved": Source(
        lambda start, end: Claim.objects.filter(
            state=Claim.State.RESOLVED, closed_at__gte=start, closed_at__lt=end
        ),
        lambda: F("order__rating_credits__user"),
    ),
    "conversations": Source(_handled, _conversation_holder),
    # Conversations first answered in the day (the time to first reply and the share within the shop's clock).
    "first_replies": Source(_first_replies, _conversation_holder),
}


def source_grouped(
    source: Source, counts: Mapping[str, Aggregate], start: datetime, end: datetime
) -> dict[int, dict]:
    """{person: {count name: value}} for these counts of the source's rows over the day."""
    rows = source.rows(start, end).values(person=source.person()).annotate(**counts).values("person", *counts)
    return {row.pop("person"): row for row in rows if row["person"] is not None}


def figure_rows(figure: Figure, start: datetime, end: datetime, people: list[int] | None) -> QuerySet:
    """The rows a figure counted for these people between two moments, each with its `person`: as many as the
    figure says (the team's: the managers' added up). `people` None: everyone's (a shop's missed calls)."""
    source = SOURCES[figure.source]
    rows = source.rows(start, end)
    if figure.rows is not None:
        rows = rows.filter(figure.rows)
    rows = rows.annotate(person=source.person())
    return rows if people is None else rows.filter(person__in=people)
