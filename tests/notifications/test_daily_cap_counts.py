"""What the daily cap counts: only the messages the desk sends on its own (triggers, off-hours replies, feedback,
answers), never what staff write, and the customer page says so."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from notifications.models import OutboundMessage
from notifications.services import message_queue
from tests.notifications.conftest import NOON

pytestmark = pytest.mark.django_db


def sent(order, purpose, *, at, author=None):
    with time_machine.travel(at, tick=False):
        return OutboundMessage.objects.create(
            customer=order.customer, order=order, channel="sms", purpose=purpose, to=order.customer.phone,
            body=f"A {purpose} message", state="sent", author=author,
        )  # fmt: skip


def test_staff_messages_do_not_use_up_the_customers_daily_cap(order, anna):
    for minutes in (30, 20, 10):
        sent(order, "manual", at=NOON - timedelta(minutes=minutes), author=anna)
    with time_machine.travel(NOON, tick=False):
        message = message_queue(customer=order.customer, order=order, channel="sms", purpose="trigger", body="Hi")
    assert message.state == "pending" and message.last_error == ""


def test_the_third_automatic_message_of_the_day_is_the_last(order):
    for minutes in (30, 20, 10):
        sent(order, "trigger", at=NOON - timedelta(minutes=minutes))
    with time_machine.travel(NOON, tick=False):
        message = message_queue(customer=order.customer, order=order, channel="sms", purpose="trigger", body="Hi")
    assert message.state == "skipped"
    assert (
        message.last_error == "The customer already has 3 automatic messages in the last 24 hours (the cap is 3)."
    )


def test_the_customer_page_counts_only_automatic_messages_and_says_so(client, order, anna):
    sent(order, "manual", at=NOON - timedelta(hours=2), author=anna)
    sent(order, "manual", at=NOON - timedelta(hours=1), author=anna)
    sent(order, "trigger", at=NOON - timedelta(minutes=30))
    client.force_login(anna)
    with time_machine.travel(NOON, tick=False):
        html = client.get(reverse("orders:customer", args=[order.customer.pk])).content.decode()
    assert "1 of 3 automatic messages in the last 24 h" in html
    assert "messages staff write are not counted" in html
