"""A feedback request and the daily cap of automatic messages: a customer who already had the cap's worth that day
is asked the moment the cap allows, never dropped, and the email instead of WhatsApp waits for the cap the same
way."""

from datetime import timedelta

import pytest
import time_machine

from feedback.models import FeedbackRequest
from feedback.services import feedback_send_due
from notifications.models import MessagingSettings, OutboundMessage
from tests.feedback.conftest import NOON

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)


def automatic_messages(order, *at):
    """What the shop's triggers sent the customer (confirmed, on its way, at the pick-up point)."""
    for moment in at:
        with time_machine.travel(moment, tick=False):
            OutboundMessage.objects.create(
                customer=order.customer, order=order, channel="sms", purpose="trigger", to=order.customer.phone,
                body="Your order moves on", state="sent",
            )  # fmt: skip


def feedback_messages():
    return OutboundMessage.objects.filter(purpose="feedback")


def test_a_customer_at_the_daily_cap_is_asked_when_the_cap_allows_never_dropped(twilio, delivered):
    assert MessagingSettings.load().daily_cap == 3
    first = ASK - timedelta(hours=2)
    automatic_messages(delivered, first, ASK - timedelta(hours=1), ASK - timedelta(minutes=30))
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
    request = FeedbackRequest.objects.get()
    frees_at = first + timedelta(days=1, seconds=1)
    assert (request.state, request.due_at) == ("planned", frees_at)
    assert "daily cap" in request.note and not feedback_messages().exists()
    with time_machine.travel(frees_at - timedelta(minutes=1), tick=False):
        feedback_send_due()
    assert FeedbackRequest.objects.get().state == "planned" and not feedback_messages().exists()
    with time_machine.travel(frees_at, tick=False):
        feedback_send_due()
    request = FeedbackRequest.objects.get()
    assert (request.state, request.sent_at) == ("sent", frees_at)
    assert request.whatsapp_message.state == "pending"


def test_staff_messages_do_not_hold_the_request_back(twilio, delivered, anna):
    for hours in (3, 2, 1):
        with time_machine.travel(ASK - timedelta(hours=hours), tick=False):
            OutboundMessage.objects.create(
                customer=delivered.customer, order=delivered, channel="sms", purpose="manual", author=anna,
                to=delivered.customer.phone, body="Your parcel is at the door", state="sent",
            )  # fmt: skip
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
    assert FeedbackRequest.objects.get().whatsapp_message.state == "pending"


def test_the_email_instead_of_whatsapp_waits_for_the_cap_and_then_goes(twilio, asked):
    # WhatsApp went at ASK and never arrived; two triggers since: three automatic messages in the 24 hours.
    automatic_messages(asked.order, ASK + timedelta(hours=20), ASK + timedelta(hours=22))
    with time_machine.travel(ASK + timedelta(days=1), tick=False):
        feedback_send_due()
    assert not feedback_messages().filter(channel="email").exists()
    with time_machine.travel(ASK + timedelta(days=1, minutes=1), tick=False):
        feedback_send_due()
    email = feedback_messages().get(channel="email")
    assert email.state == "pending" and FeedbackRequest.objects.get().email_message == email
