"""What a line of an order's history keeps besides its text: one typed shape per kind of line.

Writers hand `order_event_add` a shape; readers, in any app, read a line back through its shape
(`StatusChange.of(event)`), so each key is spelt here once and a writer cannot write a key its readers do not
know. What queries filter or group on is a column of OrderEvent (`status_from`/`status_to`,
`manager_from`/`manager_to`, `call_outcome`): a query names the column, and a renamed one fails loudly instead of
counting zero. The rest are keys of the line's JSON `data`, a JSON column read through a typed view (as
healthchecks' `PhoneConf`)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

from django.db.models import Q

from orders.models import OrderEvent

Kind = OrderEvent.Kind

# The keys of `data`, each spelt once.
EXTERNAL_ID = "external_id"
REASON = "reason"
DECISION = "decision"
ACCEPT_BY = "accept_by"
MISSED_CALLS = "missed_calls"
CLOSED_TASKS = "closed_tasks"
TASK = "task"
STATE = "state"
AMOUNT = "amount"
AT = "at"
CARRIER = "carrier"
TRIGGER = "trigger"
FIRING = "firing"
RATING = "rating"
WAS = "was"
REPORTED = "reported"
PAYMENT_ID = "payment_id"
PHONE_CALL = "phone_call"


class Details:
    """A kind's shape: what `order_event_add` writes on a line (`columns()` and `to_data()`), and what `of()`
    reads back. `KEYS`: the keys of `data` the shape writes, and no other. Lines written long ago may hold keys
    no longer written (routing's candidates, before its decisions kept them) or lack ones added since: reading
    ignores the first and gives the second their default."""

    KINDS: ClassVar[frozenset[str]]
    KEYS: ClassVar[frozenset[str]]

    def columns(self) -> dict[str, Any]:
        return {}

    def to_data(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        raise NotImplementedError

    @classmethod
    def of(cls, event: OrderEvent) -> Self:
        """The line's details; ValueError for a line of another kind."""
        if event.kind not in cls.KINDS:
            raise ValueError(f"A {event.kind} line has no {cls.__name__} details.")
        return cls._read(event)


@dataclass(frozen=True)
class Received(Details):
    """The order came in: the storefront's id for it ('' when typed in by hand)."""

    KINDS = frozenset({Kind.CREATED})
    KEYS = frozenset({EXTERNAL_ID})
    external_id: str

    def to_data(self) -> dict[str, Any]:
        return {EXTERNAL_ID: self.external_id}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        return cls(external_id=event.data[EXTERNAL_ID])


@dataclass(frozen=True)
class StatusChange(Details):
    """A status change: from and to (status codes, columns) and why."""

    KINDS = frozenset({Kind.STATUS})
    KEYS = frozenset({REASON})
    status_from: str
    status_to: str
    reason: str = ""

    def columns(self) -> dict[str, Any]:
        return {"status_from": self.status_from, "status_to": self.status_to}

    def to_data(self) -> dict[str, Any]:
        return {REASON: self.reason}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        assert event.status_from is not None and event.status_to is not None
        return cls(status_from=event.status_from, status_to=event.status_to, reason=event.data[REASON])


@dataclass(frozen=True)
class Routed:
    """Routing's part of a change of hands: the decision that explains it, and by when the manager must take the
    order up (none when the manager took it themselves)."""

    decision_id: int
    accept_by: datetime | None


@dataclass(frozen=True)
class ChangeOfHands(Details):
    """An assignment or a change of manager: from whom to whom (user ids, columns; none: the queue), and routing's
    part when routing made it."""

    KINDS = frozenset({Kind.ASSIGNMENT, Kind.MANAGER})
    KEYS = frozenset({DECISION, ACCEPT_BY})
    manager_from_id: int | None
    manager_to_id: int | None
    routed: Routed | None = None

    def columns(self) -> dict[str, Any]:
        return {"manager_from_id": self.manager_from_id, "manager_to_id": self.manager_to_id}

    def to_data(self) -> dict[str, Any]:
        if self.routed is None:
            return {}
        accept_by = self.routed.accept_by
        return {DECISION: self.routed.decision_id, ACCEPT_BY: accept_by.isoformat() if accept_by else None}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        routed = None
        if DECISION in event.data:
            accept_by = event.data.get(ACCEPT_BY)
            routed = Routed(event.data[DECISION], datetime.fromisoformat(accept_by) if accept_by else None)
        return cls(manager_from_id=event.manager_from_id, manager_to_id=event.manager_to_id, routed=routed)


@dataclass(frozen=True)
class Call(Details):
    """A call: its outcome (a CallOutcome, column), the misses in a row after it, the call tasks it closed."""

    KINDS = frozenset({Kind.CALL})
    KEYS = frozenset({MISSED_CALLS, CLOSED_TASKS, PHONE_CALL})
    call_outcome: str
    missed_calls: int
    closed_tasks: tuple[int, ...] = ()
    # The PhoneCall the desk placed or took, when the phone itself told the outcome (its duration, recording).
    phone_call: int | None = None

    def columns(self) -> dict[str, Any]:
        return {"call_outcome": self.call_outcome}

    def to_data(self) -> dict[str, Any]:
        return {
            MISSED_CALLS: self.missed_calls,
            CLOSED_TASKS: list(self.closed_tasks),
            PHONE_CALL: self.phone_call,
        }

    @staticmethod
    def typed() -> Q:
        """Lines a person typed on the call panel: no phone call told them (an empty key, or none on lines written
        before the desk had a phone)."""
        return Q(**{f"data__{PHONE_CALL}": None}) | ~Q(data__has_key=PHONE_CALL)

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        assert event.call_outcome is not None
        return cls(
            call_outcome=event.call_outcome,
            missed_calls=event.data[MISSED_CALLS],
            closed_tasks=tuple(event.data.get(CLOSED_TASKS, ())),
            phone_call=event.data.get(PHONE_CALL),
        )


@dataclass(frozen=True)
class TaskLine(Details):
    """A task planned, done, moved on the order: which."""

    KINDS = frozenset({Kind.TASK})
    KEYS = frozenset({TASK})
    task_id: int

    def to_data(self) -> dict[str, Any]:
        return {TASK: self.task_id}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        return cls(task_id=event.data[TASK])


@dataclass(frozen=True)
class Payment(Details):
    """A payment event from the storefront: the payment state it left (an Order.PaymentState) and its amount; the
    state the storefront reported and its id for the payment ('' when it sent none), which tell a retry apart."""

    KINDS = frozenset({Kind.PAYMENT})
    KEYS = frozenset({STATE, AMOUNT, REPORTED, PAYMENT_ID})
    state: str
    amount: Decimal
    reported: str = ""
    payment_id: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            STATE: self.state,
            AMOUNT: str(self.amount),
            REPORTED: self.reported,
            PAYMENT_ID: self.payment_id,
        }

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        return cls(
            state=event.data[STATE],
            amount=Decimal(event.data[AMOUNT]),
            reported=event.data.get(REPORTED, ""),
            payment_id=event.data.get(PAYMENT_ID, ""),
        )

    @classmethod
    def lines_of(cls, payment_id: str) -> Q:
        """The payment lines of this storefront's payment id (an order has one, unless the storefront retried)."""
        return Q(kind__in=cls.KINDS, **{f"data__{PAYMENT_ID}": payment_id})


@dataclass(frozen=True)
class CarrierReport(Details):
    """A carrier's report: the delivery state (a DeliveryState), when, and which carrier."""

    KINDS = frozenset({Kind.DELIVERY})
    KEYS = frozenset({STATE, AT, CARRIER})
    state: str
    at: datetime
    carrier: str

    def to_data(self) -> dict[str, Any]:
        return {STATE: self.state, AT: self.at.isoformat(), CARRIER: self.carrier}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        data = event.data
        return cls(state=data[STATE], at=datetime.fromisoformat(data[AT]), carrier=data[CARRIER])


@dataclass(frozen=True)
class TriggerFired(Details):
    """A trigger fired on the order: which, and the firing (one round of it)."""

    KINDS = frozenset({Kind.TRIGGER})
    KEYS = frozenset({TRIGGER, FIRING})
    trigger_id: int
    firing_id: int

    def to_data(self) -> dict[str, Any]:
        return {TRIGGER: self.trigger_id, FIRING: self.firing_id}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        return cls(trigger_id=event.data[TRIGGER], firing_id=event.data[FIRING])


@dataclass(frozen=True)
class Rated(Details):
    """The order's rating (1–5), and the one it replaced (none at first)."""

    KINDS = frozenset({Kind.RATING})
    KEYS = frozenset({RATING, WAS})
    rating: int
    was: int | None

    def to_data(self) -> dict[str, Any]:
        return {RATING: self.rating, WAS: self.was}

    @classmethod
    def _read(cls, event: OrderEvent) -> Self:
        return cls(rating=event.data[RATING], was=event.data[WAS])


# Each kind's shapes; None: a line that keeps nothing but its text. A rating line may be the customer's comment
# after their rating, a delivery line a carrier's report the status matrix refused.
SHAPES: dict[str, tuple[type[Details] | None, ...]] = {
    Kind.CREATED: (Received,),
    Kind.STATUS: (StatusChange,),
    Kind.ASSIGNMENT: (ChangeOfHands,),
    Kind.MANAGER: (ChangeOfHands,),
    Kind.CALL: (Call,),
    Kind.TASK: (TaskLine,),
    Kind.NOTE: (None,),
    Kind.PAYMENT: (Payment,),
    Kind.EDIT: (None,),
    Kind.DELIVERY: (CarrierReport, None),
    Kind.OVERDUE: (None,),
    Kind.ESCALATION: (None,),
    Kind.TRIGGER: (TriggerFired,),
    Kind.RATING: (Rated, None),
    Kind.MESSAGE: (None,),
}


def line_fields(kind: str, details: Details | None) -> dict[str, Any]:
    """The OrderEvent fields a line of this kind with these details is written with; ValueError when the details
    are not the kind's shape (a writer cannot put on a line what its readers will not find)."""
    if (None if details is None else type(details)) not in SHAPES[kind]:
        shapes = ", ".join(shape.__name__ if shape else "none" for shape in SHAPES[kind])
        raise ValueError(f"A {kind} line's details are {shapes}, not {type(details).__name__}.")
    if details is None:
        return {"data": {}}
    return {"data": details.to_data(), **details.columns()}
