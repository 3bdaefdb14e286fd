"""Missed calls are never lost: the history line on the order and the customer names who was rung and for how
long; the call-back task goes to the customer's manager, else the order's, else routing's choice, else the
inbox (supervisors hear); it is due at the first moment that is neither the customer's night nor outside the
shop's hours, on the customer's own clock."""

import pytest
import time_machine
from django.utils import translation

from assignment.models import ManagerProfile, Presence
from calls.services import call_miss
from notifications.models import Notification
from orders.models import Conversation, Customer, CustomerEvent, OrderEvent, PhoneCall, Task
from tests.calls.conftest import NOON, dial_ended, own_manager, ring
from tests.factories import ShopFactory, grant, make_order, msk, supervisor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]
OLGA = "+79161112233"


def offline(*users):
    ManagerProfile.objects.filter(user__in=users).update(presence=Presence.OFFLINE)


def test_a_call_nobody_answered_is_written_on_the_order_and_the_customer_with_who_was_rung(
    client, shop, anna, boris
):
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone=OLGA, customer_name="Olga", manager=anna)
        own_manager(order.customer, anna)
        _, twiml = ring(client, from_=OLGA)
    with time_machine.travel(msk(2026, 12, 8, 12, 0, 20), tick=False):
        _, twiml = dial_ended(client, twiml.find("Dial").get("action"), status="no-answer", dial_sid="CA-a")
    with time_machine.travel(msk(2026, 12, 8, 12, 0, 40), tick=False):
        _, twiml = dial_ended(client, twiml.find("Dial").get("action"), status="no-answer", dial_sid="CA-b")

    assert [element.tag for element in twiml] == ["Say", "Say", "Record", "Hangup"]  # no second greeting
    call = PhoneCall.objects.get()
    assert (call.missed, call.missed_at) == (PhoneCall.Missed.RANG_OUT, msk(2026, 12, 8, 12, 0, 40))
    line = "Missed call 12:00 (rang Anna Ivanova 20 s, Boris Petrov 20 s)"
    assert OrderEvent.objects.filter(order=order, kind="note").get().text == line
    assert CustomerEvent.objects.filter(customer=order.customer, text=line).exists()
    with translation.override("ru"):
        shown = OrderEvent.objects.filter(order=order, kind="note").get().shown_text
    assert shown == "Пропущенный звонок 12:00 (звонили: Anna Ivanova 20 с, Boris Petrov 20 с)"
    task = call.callback_task
    assert (task.assignee, task.order, task.kind, task.due_at) == (
        anna,
        order,
        "call",
        msk(2026, 12, 8, 12, 0, 40),
    )
    assert task.text == "Call back: missed call 8 Dec, 12:00"
    bell = Notification.objects.get(recipient=anna, kind=Notification.Kind.REMINDER)
    assert (
        bell.text == f"Missed call from Olga ({OLGA}): call back 8 Dec, 12:00"
        and bell.link == f"/orders/{order.pk}/"
    )


def test_the_shops_ring_at_most_bounds_how_many_are_rung(client, shop, anna, boris):
    from orders.models import ShopVoice

    ShopVoice.objects.create(shop=shop, ring_at_most=1)
    with time_machine.travel(NOON, tick=False):
        _, twiml = ring(client, from_=OLGA)
        dial_ended(client, twiml.find("Dial").get("action"), status="busy")

    assert PhoneCall.objects.get().missed == PhoneCall.Missed.RANG_OUT
    assert PhoneCall.objects.get().legs.count() == 1


def test_a_second_miss_of_the_same_call_changes_nothing(shop, anna):
    with time_machine.travel(NOON, tick=False):
        call = PhoneCall.objects.create(
            direction="in", shop=shop, customer=Customer.objects.create(shop=shop, phone=OLGA),
            from_number=OLGA, to_number="+74951234567", started_at=NOON,
        )  # fmt: skip
        call_miss(call=call, reason=PhoneCall.Missed.NOBODY_FREE)
        call_miss(call=call, reason=PhoneCall.Missed.HUNG_UP)

    assert Task.objects.count() == 1 and PhoneCall.objects.get().missed == PhoneCall.Missed.NOBODY_FREE


def missed(shop, *, phone=OLGA, at=NOON, **customer):
    """A call from this customer missed at `at` because nobody was free."""
    customer = Customer.objects.create(shop=shop, phone=phone, **customer)
    with time_machine.travel(at, tick=False):
        call = PhoneCall.objects.create(
            direction="in", shop=shop, customer=customer, from_number=phone, to_number="+74951234567",
            started_at=at, order=customer.orders.filter(is_final=False).first(),
        )  # fmt: skip
        return call_miss(call=call, reason=PhoneCall.Missed.NOBODY_FREE)


def test_the_call_back_goes_to_the_orders_manager_when_the_customer_has_none_of_their_own(shop, anna, boris):
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone=OLGA, manager=boris)
    Customer.objects.filter(pk=order.customer_id).update(responsible_manager=None)
    offline(anna, boris)
    with time_machine.travel(NOON, tick=False):
        call = PhoneCall.objects.create(
            direction="in", shop=shop, customer=order.customer, order=order, from_number=OLGA,
            to_number="+74951234567", started_at=NOON,
        )  # fmt: skip
        call = call_miss(call=call, reason=PhoneCall.Missed.NOBODY_FREE)

    assert call.callback_task.assignee == boris


def test_the_call_back_goes_to_the_customers_own_manager_before_the_orders(shop, anna, boris):
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone=OLGA, manager=boris)
    own_manager(order.customer, anna)
    with time_machine.travel(NOON, tick=False):
        call = PhoneCall.objects.create(
            direction="in", shop=shop, customer=order.customer, order=order, from_number=OLGA,
            to_number="+74951234567", started_at=NOON,
        )  # fmt: skip
        call = call_miss(call=call, reason=PhoneCall.Missed.NOBODY_FREE)

    assert call.callback_task.assignee == anna


def test_without_a_manager_of_their_own_routing_chooses_who_calls_back(shop, anna, boris):
    offline(anna)
    call = missed(shop)

    assert call.callback_task.assignee == boris  # the only free one


def test_with_nobody_to_call_back_the_call_waits_in_the_inbox_and_supervisors_hear(shop, anna, boris):
    offline(anna, boris)
    watching = supervisor(first_name="Sveta")
    grant(watching, shops=[shop])
    call = missed(shop)

    assert call.callback_task is None
    conversation = Conversation.objects.get(customer=call.customer)
    assert conversation.manager is None
    bell = Notification.objects.get(recipient=watching)
    assert bell.text == f"Missed call from unknown ({OLGA}): nobody to call back, waiting in the inbox"
    assert bell.link == f"/conversations/{conversation.pk}/"


# The shop (Moscow, 09:00–21:00) and the customer's night (21:00–09:00 on their clock).
@pytest.mark.parametrize(
    ("missed_at", "zone", "due"),
    [
        # Kaliningrad is an hour behind Moscow: at 08:30 Moscow it is 07:30 there, night; 09:00 there is 10:00.
        (msk(2026, 12, 8, 8, 30), "Europe/Kaliningrad", msk(2026, 12, 8, 10, 0)),
        # At 21:30 Moscow the shop is closed; it opens at 09:00 Moscow, 08:00 in Kaliningrad: still night.
        (msk(2026, 12, 8, 21, 30), "Europe/Kaliningrad", msk(2026, 12, 9, 10, 0)),
        (msk(2026, 12, 8, 15, 0), "Europe/Kaliningrad", msk(2026, 12, 8, 15, 0)),
        # Vladivostok is seven hours ahead: 15:00 Moscow is 22:00 there, night until 09:00 there (02:00 Moscow),
        # when the shop is closed until 09:00 Moscow (16:00 there).
        (msk(2026, 12, 8, 15, 0), "Asia/Vladivostok", msk(2026, 12, 9, 9, 0)),
        (msk(2026, 12, 8, 21, 30), "Asia/Vladivostok", msk(2026, 12, 9, 9, 0)),
        (msk(2026, 12, 8, 10, 0), "Asia/Vladivostok", msk(2026, 12, 8, 10, 0)),
    ],
)
def test_the_call_back_is_due_at_the_first_moment_not_in_the_customers_night_and_in_the_shops_hours(
    shop, anna, missed_at, zone, due
):
    call = missed(shop, at=missed_at, timezone=zone)

    assert call.callback_task.due_at == due


def test_a_callers_zone_is_read_from_their_number_when_it_tells(client, shop, anna):
    """An unknown caller from a Vladivostok landline (+7 423…) is called back in Vladivostok's day."""
    ManagerProfile.objects.filter(user=anna).update(phone="")  # Free, but nowhere to ring: not rung
    with time_machine.travel(msk(2026, 12, 8, 15, 0), tick=False):
        ring(client, from_="+74232123456")

    call = PhoneCall.objects.get()
    assert str(call.customer.zone) == "Asia/Vladivostok"
    assert call.callback_task.due_at == msk(2026, 12, 9, 9, 0)


def test_a_shop_open_only_in_the_customers_night_calls_back_when_it_opens(anna):
    night_shop = ShopFactory(opens_at="02:00", closes_at="05:00")  # 09:00–12:00 in Vladivostok: their day
    grant(anna, shops=[night_shop])
    call = missed(night_shop, at=msk(2026, 12, 8, 12, 0), timezone="Europe/Kaliningrad")  # 01:00–04:00 there

    assert call.callback_task.due_at == msk(2026, 12, 9, 2, 0)
