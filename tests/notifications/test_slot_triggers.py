"""Triggers "N hours before the delivery slot" (seed 001: the courier or the manager calls 1–2 hours ahead): the
every-minute check fires one once per order and slot, on the shop's own clock, only for open orders with a slot;
a slot moved fires again for the new slot, never twice for the same; the same actions as any trigger."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from desk.tasks import fire_stale_triggers
from notifications.models import OutboundMessage, Trigger, TriggerFiring
from orders.models import OrderEvent, Status, Task
from orders.services import order_change_status, order_edit, order_set_manager
from tests.factories import ShopFactory, free_manager, make_order
from tests.notifications.conftest import sms_template

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 12)
VLADIVOSTOK, KALININGRAD = ZoneInfo("Asia/Vladivostok"), ZoneInfo("Europe/Kaliningrad")


def at(zone, hour, minute=0, day=DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def slot_trigger(**fields) -> Trigger:
    made = Trigger(
        name=fields.pop("name", "Courier calls"),
        when=Trigger.When.SLOT,
        before=fields.pop("before", timedelta(hours=2)),
        **fields,
    )
    made.full_clean()
    made.save()
    return made


def check(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return fire_stale_triggers()


def sent(order) -> list[str]:
    return list(OutboundMessage.objects.filter(order=order).order_by("pk").values_list("body", flat=True))


def slot_order(zone, hour_from=14, hour_to=16, **kwargs):
    shop = ShopFactory(always_open=True, timezone=str(zone))
    with time_machine.travel(at(zone, 9, day=DAY - timedelta(days=2)), tick=False):
        return make_order(
            shop,
            delivery_date=DAY,
            delivery_time_from=time(hour_from),
            delivery_time_to=time(hour_to),
            **kwargs,
        )


def move_slot(order, by, starts: int, ends: int, moment: datetime) -> None:
    order.refresh_from_db()
    rows = [{"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()]
    with time_machine.travel(moment, tick=False):
        order_edit(
            order=order,
            by=by,
            seen_at=order.updated_at,
            items=rows,
            delivery_time_from=time(starts),
            delivery_time_to=time(ends),
        )


def test_it_fires_once_two_hours_before_the_slot_on_each_shops_own_clock():
    slot_trigger(template=sms_template(body="Courier today {{ delivery_date }}, {{ delivery_slot }}."))
    east, west = slot_order(VLADIVOSTOK), slot_order(KALININGRAD)
    assert check(at(VLADIVOSTOK, 11, 58)) == 0
    assert check(at(VLADIVOSTOK, 12, 0)) == 1  # 12:00 in Vladivostok is 03:00 in Kaliningrad: only the east
    assert sent(east) == ["Courier today 12 Dec, 14:00–16:00."] and sent(west) == []
    assert check(at(VLADIVOSTOK, 12, 1)) == 0 and check(at(VLADIVOSTOK, 13, 30)) == 0  # once per slot
    assert check(at(KALININGRAD, 11, 59)) == 0
    assert check(at(KALININGRAD, 12, 0)) == 1
    assert len(sent(east)) == 1 and len(sent(west)) == 1
    line = OrderEvent.objects.get(order=east, kind=OrderEvent.Kind.TRIGGER)
    assert line.text == "Trigger “Courier calls”: SMS “Order confirmed” queued."
    assert TriggerFiring.objects.filter(outcome="fired").count() == 2


def test_a_moved_slot_fires_again_for_the_new_slot_not_twice_for_the_same():
    slot_trigger(template=sms_template(body="Courier at {{ delivery_slot }}."))
    order = slot_order(VLADIVOSTOK)
    anna = free_manager(shops=[order.shop])
    assert check(at(VLADIVOSTOK, 12)) == 1
    move_slot(order, anna, 17, 19, at(VLADIVOSTOK, 12, 30))
    assert check(at(VLADIVOSTOK, 14, 59)) == 0
    assert check(at(VLADIVOSTOK, 15)) == 1 and check(at(VLADIVOSTOK, 15, 1)) == 0
    assert sent(order) == ["Courier at 14:00–16:00.", "Courier at 17:00–19:00."]


def test_a_slot_moved_before_its_firing_fires_only_for_the_slot_it_has_then():
    slot_trigger(template=sms_template(body="Courier at {{ delivery_slot }}."))
    order = slot_order(VLADIVOSTOK)
    anna = free_manager(shops=[order.shop])
    assert check(at(VLADIVOSTOK, 12, 30)) == 1  # planned and due at 12:00 ...
    TriggerFiring.objects.update(done_at=None, outcome="")  # ... say the check had not fired it yet
    move_slot(order, anna, 18, 20, at(VLADIVOSTOK, 12, 40))
    assert check(at(VLADIVOSTOK, 12, 41)) == 0
    assert TriggerFiring.objects.get(entered_at=at(VLADIVOSTOK, 14)).note.startswith("the order's delivery slot")
    assert check(at(VLADIVOSTOK, 16)) == 1


@pytest.mark.parametrize("case", ["no slot", "closed", "slot begun"])
def test_only_open_orders_with_a_slot_still_ahead_are_called_about(case):
    slot_trigger(template=sms_template())
    if case == "no slot":
        with time_machine.travel(at(VLADIVOSTOK, 9), tick=False):
            order = make_order(ShopFactory(always_open=True, timezone=str(VLADIVOSTOK)), delivery_date=DAY)
        assert check(at(VLADIVOSTOK, 12)) == 0
    elif case == "closed":
        order = slot_order(VLADIVOSTOK)
        with time_machine.travel(at(VLADIVOSTOK, 10), tick=False):
            order_change_status(order=order, target="cancelled", by=None, reason="changed mind")
        assert check(at(VLADIVOSTOK, 12)) == 0
    else:
        order = slot_order(VLADIVOSTOK)
        assert check(at(VLADIVOSTOK, 14, 1)) == 0  # the desk was down through the whole window
    assert sent(order) == []


def test_it_does_what_any_trigger_does_with_the_same_conditions():
    order = slot_order(VLADIVOSTOK, method="phone")
    anna = free_manager(shops=[order.shop])
    order_set_manager(order=order, manager=anna)
    slot_trigger(name="Call ahead", task_text="Call the customer before the courier", method="phone")
    slot_trigger(name="Cart only", notify="manager", method="cart")
    slot_trigger(name="Only in delivery", notify="manager", status=Status.objects.get(code="delivery"))
    assert check(at(VLADIVOSTOK, 12)) == 1
    task = Task.objects.get(order=order)
    assert (task.assignee, task.text) == (anna, "Call the customer before the courier")
    outcomes = dict(TriggerFiring.objects.values_list("trigger__name", "outcome"))
    assert outcomes == {"Call ahead": "fired", "Cart only": "not_matching", "Only in delivery": "left"}


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"before": None}, "before", "how long before the delivery slot"),
        ({"after": timedelta(hours=1)}, "after", "fires once per slot"),
        ({"times": 2, "repeat_every": timedelta(hours=1)}, "after", "fires once per slot"),
    ],
)
def test_a_trigger_before_the_slot_says_how_long_before_and_fires_once(fields, field, says):
    with pytest.raises(ValidationError) as refused:
        slot_trigger(notify="manager", **fields)
    assert says in " ".join(refused.value.message_dict[field])


def test_a_status_trigger_still_needs_its_status():
    with pytest.raises(ValidationError) as refused:
        Trigger(name="x", when=Trigger.When.ENTERS, notify="manager").full_clean()
    assert "Choose the status the trigger watches" in refused.value.message_dict["status"][0]
