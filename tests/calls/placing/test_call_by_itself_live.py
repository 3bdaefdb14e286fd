"""End to end over HTTP: the fake Twilio takes the call and, as Twilio does, sends its signed status callbacks to
the running desk (a live server); the outcome lands on the order's ladder with nobody typing it."""

import time

import pytest

from calls.services import call_place
from orders.models import OrderEvent, PhoneCall, Task


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("afternoon", "default_pipeline")
def test_twilios_own_callbacks_record_a_busy_line_and_plan_the_next_call(
    twilio, live_server, settings, order, anna
):
    settings.SITE_URL = live_server.url
    twilio.callbacks, twilio.callback_delay = True, 0.05
    twilio.call_outcomes = [("busy", 0)]

    call = call_place(order=order, customer=order.customer, manager=anna)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and PhoneCall.objects.filter(pk=call.pk, ended_at__isnull=True).exists():
        time.sleep(0.1)
    call.refresh_from_db()
    assert (call.state, call.outcome) == ("completed", "busy")
    [line] = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.CALL)
    assert line.shown_text == "Call by phone: busy (miss 1 of 4)"
    assert Task.objects.filter(order=order, kind=Task.Kind.CALL, done_at__isnull=True).count() == 1
