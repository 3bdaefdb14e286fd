"""Typed history data: each kind of history line has one shape (orders.history) that writes its details and reads
them back; the details queries depend on are columns; every writer, in every app, writes exactly its kind's shape;
no code outside orders.history reads the JSON by key; and the migration moves old lines' keys into the columns."""

import importlib
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from notifications.models import Trigger
from orders import history
from orders.models import CallOutcome, DeliveryState, DeliveryStatusRule, Order, OrderEvent, Status
from orders.services import (
    order_add_note,
    order_change_status,
    order_edit,
    order_event_add,
    order_record_call,
    order_record_delivery,
    order_record_message,
    order_record_payment,
    order_record_rating,
    order_take_back,
    orders_escalate_overdue,
    orders_flag_overdue,
    orders_reassign,
)
from tests.factories import ShopFactory, free_manager, grant, make_order, make_task, msk, supervisor

pytestmark = pytest.mark.django_db
Kind = OrderEvent.Kind
COLUMNS = ("status_from", "status_to", "manager_from_id", "manager_to_id", "call_outcome")
migration = importlib.import_module("orders.migrations.0024_order_event_details_into_columns")


def _examples(anna, boris) -> list[tuple[str, history.Details]]:
    accept_by = msk(2026, 11, 20, 10, 15)
    return [
        (Kind.CREATED, history.Received(external_id="ext-1")),
        (Kind.STATUS, history.StatusChange(status_from="new", status_to="cancelled", reason="changed their mind")),
        (Kind.ASSIGNMENT, history.ChangeOfHands(None, anna.pk, history.Routed(7, accept_by))),
        (Kind.ASSIGNMENT, history.ChangeOfHands(None, anna.pk, history.Routed(8, None))),
        (Kind.MANAGER, history.ChangeOfHands(anna.pk, boris.pk)),
        (Kind.MANAGER, history.ChangeOfHands(boris.pk, None)),
        (Kind.CALL, history.Call(call_outcome=CallOutcome.NO_ANSWER, missed_calls=2, closed_tasks=(3, 4))),
        (Kind.TASK, history.TaskLine(task_id=5)),
        (Kind.PAYMENT, history.Payment(state=Order.PaymentState.PAID, amount=Decimal("1250.50"))),
        (Kind.DELIVERY, history.CarrierReport(state=DeliveryState.DELIVERED, at=accept_by, carrier="CDEK")),
        (Kind.TRIGGER, history.TriggerFired(trigger_id=1, firing_id=2)),
        (Kind.RATING, history.Rated(rating=4, was=None)),
        (Kind.RATING, history.Rated(rating=5, was=4)),
    ]


def _people():
    return free_manager(username="anna"), free_manager(username="boris")


def test_each_kind_of_line_has_its_shapes():
    assert set(history.SHAPES) == set(Kind.values)


def test_each_shape_reads_back_from_the_database_what_was_written():
    anna, boris = _people()
    order = make_order(ShopFactory())
    examples = _examples(anna, boris)
    assert {type(details) for _, details in examples} == {
        shape for shapes in history.SHAPES.values() for shape in shapes if shape is not None
    }
    for kind, details in examples:
        written = order_event_add(order=order, kind=kind, text="A line", details=details)
        event = OrderEvent.objects.get(pk=written.pk)
        assert type(details).of(event) == details


def test_a_shape_writes_exactly_the_keys_it_declares_and_its_columns_are_columns():
    anna, boris = _people()
    for _, details in _examples(anna, boris):
        data = details.to_data()
        # A change of hands by a supervisor has no routing part: no keys at all.
        by_hand = isinstance(details, history.ChangeOfHands) and details.routed is None
        assert set(data) == (set() if by_hand else type(details).KEYS), details
        assert set(details.columns()) <= set(COLUMNS) and not set(details.columns()) & set(data)


def test_a_line_with_details_of_another_kind_is_refused_and_nothing_is_written():
    order = make_order(ShopFactory())
    before = order.events.count()
    wrong = [
        (Kind.STATUS, history.Call(call_outcome=CallOutcome.REACHED, missed_calls=0)),
        (Kind.STATUS, None),  # a status line without its move would count for no KPI
        (Kind.NOTE, history.TaskLine(task_id=1)),
        (Kind.CALL, history.StatusChange(status_from="new", status_to="approval")),
    ]
    for kind, details in wrong:
        with pytest.raises(ValueError, match=f"A {kind} line's details are"):
            order_event_add(order=order, kind=kind, text="A line", details=details)
    assert order.events.count() == before


def test_reading_a_line_through_another_kinds_shape_is_refused():
    order = make_order(ShopFactory())
    created = order.events.get(kind=Kind.CREATED)
    with pytest.raises(ValueError, match="A created line has no StatusChange details"):
        history.StatusChange.of(created)


def _every_writer(shop):
    """An order that goes through every history writer of every app: routing, status, a trigger, call, task,
    note, message, payment, delivery (a report, and one whose status step the matrix refuses), an edit, a
    hand-over, a take-back, overdue and escalation, a rating."""
    anna = free_manager(username="anna", shops=[shop])
    boris = free_manager(username="boris", shops=[shop])
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    Trigger.objects.create(name="Tell the manager", status=Status.objects.get(code="approval"), notify="manager")
    DeliveryStatusRule.objects.create(
        shop=shop, state=DeliveryState.DELIVERED, target=Status.objects.get(code="complete")
    )
    now = timezone.now()
    order = make_order(shop)
    assert order.manager is not None  # routing gave it
    order_change_status(order=order, target="approval", by=order.manager)
    order_record_call(order=order, by=order.manager, outcome=CallOutcome.NO_ANSWER)
    make_task(order, assignee=order.manager)
    order_add_note(order=order, by=order.manager, text="Asked to call after six.")
    order_record_message(order=order, by=order.manager, channel_label="SMS")
    order_record_payment(order=order, state=Order.PaymentState.PAID, amount=Decimal("900.00"))
    order_record_delivery(order=order, carrier="CDEK", state=DeliveryState.IN_TRANSIT, at=now)
    order_record_delivery(order=order, carrier="CDEK", state=DeliveryState.DELIVERED, at=now + timedelta(1))
    order.refresh_from_db()
    order_edit(order=order, by=boss, seen_at=order.updated_at, items=[], comment="Leave at the door")
    order.refresh_from_db()
    other = boris if order.manager == anna else anna
    orders_reassign(orders=[order], manager=other, by=boss, reason="Anna is off")
    order_take_back(order=order, reason="not taken up")
    orders_flag_overdue(now=now + timedelta(days=30))
    orders_escalate_overdue(now=now + timedelta(days=60))
    order_record_rating(order=order, rating=5, source="sms")
    return order


def test_every_writer_writes_its_kinds_shape_with_the_keys_readers_know():
    order = _every_writer(ShopFactory(always_open=True))
    lines = list(OrderEvent.objects.filter(order=order))
    assert {line.kind for line in lines} == set(Kind.values)  # every kind of line, so every writer, is checked
    for line in lines:
        shapes = history.SHAPES[line.kind]
        shape = next((shape for shape in shapes if shape is not None), None)
        if not line.data and None in shapes and all(getattr(line, column) is None for column in COLUMNS):
            continue  # a line that keeps nothing but its text, as its kind allows
        assert shape is not None, f"a {line.kind} line keeps {line.data}"
        assert set(line.data) <= shape.KEYS, f"a {line.kind} line writes keys no reader knows: {line.data}"
        details = shape.of(line)
        columns = details.columns()
        assert all(getattr(line, column) is None for column in COLUMNS if column not in columns), line.kind
        assert details.to_data() == line.data, line.kind
    hands = [history.ChangeOfHands.of(line) for line in lines if line.kind in history.ChangeOfHands.KINDS]
    assert hands[0].routed is not None and hands[0].manager_to_id is not None  # routing's, with its decision
    assert hands[-1].manager_to_id is None and hands[-1].routed is None  # the take-back
    status_lines = [history.StatusChange.of(line) for line in lines if line.kind == Kind.STATUS]
    assert [(s.status_from, s.status_to) for s in status_lines] == [("new", "approval")]


def test_no_code_but_orders_history_reads_the_history_json_by_key():
    """A query or a reader spelling a key of OrderEvent.data outside orders.history is how a rename would make a
    figure count zero in silence: they read the columns, or a line through its shape."""
    by_key = re.compile(
        r"data__\w|\.data\s*\[|\.data\.get\(|\bKT\(|KeyTextTransform|KeyTransform|values(_list)?\([^)]*[\"']data[\"']"
    )
    root = Path(settings.BASE_DIR)
    folders = sorted({path.parent for path in root.glob("*/apps.py")} | {root / "config", root / "templates"})
    assert root / "assignment" in folders  # every app, those to come included
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts and path.name != "history.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if by_key.search(line)
    ]
    assert found == []


def _old_line(order, kind, data, at):
    """A line as writers wrote it before the columns: everything in the JSON."""
    with time_machine.travel(at, tick=False):
        return OrderEvent.objects.create(order=order, kind=kind, text="Old line", data=data)


def test_the_migration_moves_old_lines_keys_into_the_columns_and_back():
    anna, boris = _people()
    order = make_order(ShopFactory())
    at = msk(2026, 11, 20, 10)
    accept_by = "2026-11-20T07:15:00+00:00"
    routed = {"from": None, "to": anna.pk, "decision": 9, "accept_by": accept_by}
    old = {
        "status": _old_line(order, Kind.STATUS, {"from": "new", "to": "approval", "reason": ""}, at),
        # Routing once kept its candidates on the line; a call its outcome without the tasks it closed.
        "routed": _old_line(order, Kind.ASSIGNMENT, routed | {"candidates": [], "excluded": {}}, at),
        "handed": _old_line(order, Kind.MANAGER, {"from": anna.pk, "to": boris.pk}, at),
        "taken_back": _old_line(order, Kind.MANAGER, {"from": boris.pk, "to": None}, at),
        "call": _old_line(order, Kind.CALL, {"outcome": "reached", "missed_calls": 0}, at),
        "payment": _old_line(order, Kind.PAYMENT, {"state": "paid", "amount": "10.00"}, at),
    }
    written_before = {name: dict(line.data) for name, line in old.items()}

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run (a stopped one picked up again) moves nothing twice
    line = {name: OrderEvent.objects.get(pk=event.pk) for name, event in old.items()}
    assert history.StatusChange.of(line["status"]) == history.StatusChange("new", "approval", reason="")
    assert line["status"].data == {"reason": ""}
    routed_hand = history.ChangeOfHands.of(line["routed"])
    assert (routed_hand.manager_from_id, routed_hand.manager_to_id) == (None, anna.pk)
    assert routed_hand.routed == history.Routed(9, msk(2026, 11, 20, 10, 15))
    assert history.ChangeOfHands.of(line["handed"]) == history.ChangeOfHands(anna.pk, boris.pk)
    assert history.ChangeOfHands.of(line["taken_back"]) == history.ChangeOfHands(boris.pk, None)
    assert history.Call.of(line["call"]) == history.Call(CallOutcome.REACHED, missed_calls=0)
    assert line["call"].data == {"missed_calls": 0}
    assert line["payment"].data == written_before["payment"] and line["payment"].status_to is None

    migration.backwards(apps, None)
    for name, event in old.items():
        back = OrderEvent.objects.get(pk=event.pk)
        assert back.data == written_before[name], name
        assert all(getattr(back, column) is None for column in COLUMNS), name
