"""The desk's flows run their steps in the written order (desk/flows.py): an order is given to a manager before
its first status's triggers, and the off-hours reply comes last; a refusal to take a typed-in order undoes it; a
"has stayed" trigger's steps on the order run from the every-minute check and say what was done."""

from datetime import timedelta

import pytest
import time_machine

from assignment.exceptions import AssignmentRefused
from desk.tasks import fire_stale_triggers
from notifications.models import MessageTemplate, Notification, OffHoursReply, OutboundMessage, Trigger
from orders.exceptions import IntakeRefused, OrderError
from orders.models import Customer, Order, OrderEvent, Status, Task
from orders.services import order_change_status, order_create
from tests.factories import ShopFactory, free_manager, make_order, msk
from tests.notifications.conftest import sms_template

pytestmark = pytest.mark.django_db
NOON = msk(2026, 11, 24, 12, 0)


def trigger(code: str, **fields) -> Trigger:
    made = Trigger(name=fields.pop("name", f"On {code}"), status=Status.objects.get(code=code), **fields)
    made.full_clean()
    made.save()
    return made


def test_a_new_orders_first_status_trigger_plans_its_task_for_the_manager_routing_just_gave_it():
    shop = ShopFactory(always_open=True)
    anna = free_manager(shops=[shop], first_name="Anna")
    trigger("new", name="Welcome call", task_text="Call to confirm", task_due_in=timedelta(hours=1))
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop)
    assert order.manager == anna
    task = Task.objects.get(order=order)
    assert (task.assignee, task.text, task.due_at) == (anna, "Call to confirm", NOON + timedelta(hours=1))
    assert order.events.get(kind=OrderEvent.Kind.TRIGGER).text == "Trigger “Welcome call”: task planned."


def test_an_order_arriving_at_night_gets_its_first_status_message_then_the_reply_saying_when_the_desk_opens():
    shop = ShopFactory(name="Teapots", customer_language="en")  # its customers read English
    closed = "{{ shop.name }} opens {{ opens_at }}."
    reply = MessageTemplate.objects.create(name="Closed", channel="sms", body=closed)
    OffHoursReply.objects.create(shop=shop, template=reply)
    trigger("new", template=sms_template(name="Thanks", body="Thank you for order {{ order.number }}."))
    with time_machine.travel(msk(2026, 11, 24, 23, 10), tick=False):
        order = make_order(shop)
    bodies = list(OutboundMessage.objects.filter(order=order).order_by("pk").values_list("body", flat=True))
    assert bodies == [f"Thank you for order {order.number}.", "Teapots opens Wed 09:00."]


def test_a_manager_typing_in_an_order_at_quota_is_refused_with_routings_reason_and_nothing_is_saved():
    shop = ShopFactory(always_open=True)
    anna = free_manager(shops=[shop], quota=1)
    make_order(shop, manager=anna)
    with pytest.raises(IntakeRefused, match=r"You are at quota \(1/1\)") as refused:
        order_create(
            shop=shop,
            customer={"name": "Ivan", "phone": "+79035550101", "email": "", "legal_type": "", "is_vip": False},
            items=[{"sku": "", "name": "Hose", "qty": 1, "price": "10.00"}],
            by=anna,
            taken_by=anna,
        )
    assert isinstance(refused.value.__cause__, AssignmentRefused)
    assert not issubclass(AssignmentRefused, OrderError)  # routing's own refusal, turned into intake's by the desk
    assert Order.objects.count() == 1 and not Customer.objects.filter(name="Ivan").exists()


@pytest.fixture
def held_order():
    shop = ShopFactory(always_open=True)
    anna = free_manager(shops=[shop], first_name="Anna", username="anna")
    with time_machine.travel(NOON, tick=False):
        return make_order(shop, manager=anna)


def to_approval(order: Order) -> None:
    with time_machine.travel(NOON, tick=False):
        order_change_status(order=order, target="approval", by=order.manager)


def test_a_stay_trigger_fired_by_the_every_minute_check_does_each_step_and_says_so_in_order(held_order):
    boris = free_manager(shops=[held_order.shop], first_name="Boris", username="boris")
    trigger(
        "approval",
        name="Chase",
        when="stays",
        after=timedelta(hours=1),
        template=sms_template(name="Still there?"),
        task_text="Call: still want it?",
        hand="manager",
        hand_to=boris,
        notify="manager",
    )
    to_approval(held_order)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        assert fire_stale_triggers() == 1
    held_order.refresh_from_db()
    assert held_order.manager == boris
    assert Task.objects.get(order=held_order, text="Call: still want it?").assignee == boris  # moved with it
    assert held_order.events.get(kind=OrderEvent.Kind.TRIGGER).text == (
        "Trigger “Chase”: SMS “Still there?” queued; task planned; handed over; notified."
    )
    assert Notification.objects.filter(recipient=boris, kind="info", text__contains="Chase").exists()


def test_an_order_sent_back_to_routing_by_the_every_minute_check_is_routed_once_the_change_commits(
    held_order, django_capture_on_commit_callbacks
):
    trigger("approval", name="Nobody called", when="stays", after=timedelta(hours=1), hand="routing")
    to_approval(held_order)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        with django_capture_on_commit_callbacks() as after_commit:
            fire_stale_triggers()
        held_order.refresh_from_db()
        assert held_order.manager is None
        for callback in after_commit:
            callback()  # the queue is served (q2 runs inline in tests): Anna, the only one free, gets it again
    held_order.refresh_from_db()
    assert held_order.manager.username == "anna"
    assert held_order.events.get(kind=OrderEvent.Kind.TRIGGER).text == (
        "Trigger “Nobody called”: sent back to routing."
    )
