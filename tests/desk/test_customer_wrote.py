"""The pipeline's step for a customer's message (desk/flows.py `customer_wrote`), in its written order: feedback
takes an answer to its request first, STOP/START is done with, and only what is left opens or joins a
conversation: a rating from a customer with nothing open opens none."""

from datetime import timedelta

import pytest
import time_machine

from feedback.models import FeedbackRequest
from notifications.models import OptOut
from orders.models import Conversation, Customer
from tests.feedback.conftest import NOON, anna, asked, customer_writes, delivered, shop  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]
LATER = NOON + timedelta(days=3, hours=1)


def test_a_rating_with_nothing_open_goes_to_feedback_and_opens_no_conversation(client, asked):  # noqa: F811
    with time_machine.travel(LATER, tick=False):
        customer_writes(client, "5")
    assert FeedbackRequest.objects.get().rating == 5
    assert not Conversation.objects.exists()


def test_what_the_customer_writes_after_rating_opens_a_conversation(client, asked, anna):  # noqa: F811
    with time_machine.travel(LATER, tick=False):
        customer_writes(client, "5")
        customer_writes(client, "Do you also sell watering cans?", sid="SMreply2")
    conversation = Conversation.objects.get()
    assert conversation.customer == asked.customer
    assert conversation.messages_in.get().body == "Do you also sell watering cans?"


def test_stop_from_a_new_number_makes_the_customer_but_no_conversation(client, shop):  # noqa: F811
    with time_machine.travel(NOON, tick=False):
        customer_writes(client, "STOP", from_="+79990001122")
    customer = Customer.objects.get(phone="+79990001122")
    assert OptOut.objects.filter(customer=customer, channel="sms").exists()
    assert not Conversation.objects.exists()
