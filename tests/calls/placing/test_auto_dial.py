"""Seed 004: an order entering a status that calls on entry gets a call at the top of its manager's Next, and
with auto-dial on (Free, not the customer's night) the desk dials at once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from assignment.services import presence_set, profile_auto_dial_set
from orders.models import PhoneCall, Status, Task
from orders.selectors import order_next_for_manager
from orders.services import order_change_status
from tests.factories import make_order, supervisor

pytestmark = pytest.mark.usefixtures("afternoon")


@pytest.fixture
def calling_status(db):
    Status.objects.filter(code="approval").update(call_on_entry=True)


def _move(order, anna, capture):
    with capture(execute=True):
        order_change_status(order=order, target="approval", by=anna)


def test_entering_a_calling_status_puts_a_call_due_now_first_in_the_managers_next(
    calling_status, twilio, order, anna, django_capture_on_commit_callbacks
):
    _move(order, anna, django_capture_on_commit_callbacks)

    [task] = Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True)
    assert task.assignee == anna and task.due_at <= timezone.now()
    assert task.shown_text == "Call the customer: the order is now Approval"
    found = order_next_for_manager(user=anna, now=timezone.now())
    assert found.order == order and found.why.startswith("Call due")
    assert twilio.placed_calls == []  # auto-dial is off


def test_with_auto_dial_on_and_free_the_desk_dials_once_the_move_is_committed(
    calling_status, twilio, order, anna, django_capture_on_commit_callbacks
):
    profile_auto_dial_set(user=anna, on=True)

    _move(order, anna, django_capture_on_commit_callbacks)

    [sent] = twilio.placed_calls
    assert sent.form["To"] == "+79990000001" and sent.form["Twiml"].count(order.customer.phone) == 1
    call = PhoneCall.objects.get()
    assert (call.order, call.manager, call.call_sid) == (order, anna, sent.sid)


def test_a_status_that_does_not_call_dials_nobody(twilio, order, anna, django_capture_on_commit_callbacks):
    profile_auto_dial_set(user=anna, on=True)

    _move(order, anna, django_capture_on_commit_callbacks)

    assert twilio.placed_calls == [] and not Task.objects.filter(order=order, kind=Task.Kind.CALL).exists()


@pytest.mark.parametrize("presence", [Presence.BUSY, Presence.LUNCH, Presence.OFFLINE])
def test_auto_dial_waits_while_the_manager_is_not_free(
    calling_status, twilio, order, anna, presence, django_capture_on_commit_callbacks
):
    profile_auto_dial_set(user=anna, on=True)
    presence_set(user=anna, presence=presence)

    _move(order, anna, django_capture_on_commit_callbacks)

    assert twilio.placed_calls == []
    assert Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True).count() == 1


def test_auto_dial_never_dials_in_the_customers_night(
    calling_status, twilio, order, anna, django_capture_on_commit_callbacks
):
    profile_auto_dial_set(user=anna, on=True)
    order.customer.timezone = "Asia/Vladivostok"  # 21:00 there
    order.customer.save(update_fields=["timezone"])

    _move(order, anna, django_capture_on_commit_callbacks)

    assert twilio.placed_calls == [] and not PhoneCall.objects.exists()


def test_auto_dial_checks_again_when_the_worker_runs(
    calling_status, twilio, order, anna, django_capture_on_commit_callbacks
):
    """The manager went to lunch between the move and the worker: nobody is dialled."""
    profile_auto_dial_set(user=anna, on=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_change_status(order=order, target="approval", by=anna)
    presence_set(user=anna, presence=Presence.LUNCH)
    for callback in callbacks:
        callback()

    assert twilio.placed_calls == []


def test_a_new_order_arriving_in_a_calling_status_is_dialled_for_the_manager_routing_gave_it(
    twilio, shop, anna, django_capture_on_commit_callbacks
):
    Status.objects.filter(code="new").update(call_on_entry=True)
    profile_auto_dial_set(user=anna, on=True)

    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(shop)

    assert order.manager == anna
    [sent] = twilio.placed_calls
    assert PhoneCall.objects.get(call_sid=sent.sid).order == order


def test_the_presence_menu_switches_auto_dial_on_and_off(client, anna):
    client.force_login(anna)
    page = client.get(reverse("orders:list")).content.decode()
    assert 'data-testid="auto-dial"' in page and 'data-testid="auto-dial-on"' not in page

    response = client.post(reverse("assignment:auto_dial"), {"auto_dial": "on", "next": "/orders/"}, follow=True)
    assert ManagerProfile.objects.get(user=anna).auto_dial
    assert (
        "Auto-dial is on" in response.content.decode()
        and 'data-testid="auto-dial-on"' in response.content.decode()
    )

    client.post(reverse("assignment:auto_dial"), {"auto_dial": "off"})
    assert not ManagerProfile.objects.get(user=anna).auto_dial


def test_only_managers_have_the_auto_dial_switch(client, shop):
    client.force_login(supervisor(username="boss"))
    assert client.post(reverse("assignment:auto_dial"), {"auto_dial": "on"}).status_code == 403
    assert client.get(reverse("assignment:auto_dial")).status_code == 405
