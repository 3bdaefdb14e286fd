"""Inspectors reach the customer from the claim page: the customer's whole conversation (their orders' messages
and their conversations, one timeline), a form to write through the outbox, and the customer's answers back in the
claim inspector's bell while the claim is open."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from feedback.services import claim_move, claim_open
from notifications.models import InboundMessage, Notification, OutboundMessage
from notifications.services import inbound_receive
from orders.models import Conversation
from tests.factories import grant, supervisor
from tests.feedback.conftest import NOON

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(delivered, igor):
    with time_machine.travel(NOON, tick=False):
        return claim_open(order=delivered, reason="Rated 1/5: the lid was cracked")


def test_the_claim_page_shows_order_messages_and_conversations_as_one_timeline(client, claim, igor):
    customer = claim.customer
    InboundMessage.objects.create(
        message_sid="SMorder",
        channel="sms",
        from_address=customer.phone,
        body="Where is my teapot?",
        customer=customer,
        order=claim.order,
    )
    talk = Conversation.objects.create(
        shop=claim.shop,
        customer=customer,
        last_message_at=NOON,
        state="closed",
        closed_at=NOON,
        close_reason="answered",
    )
    InboundMessage.objects.create(
        message_sid="SMtalk",
        channel="whatsapp",
        from_address=customer.phone,
        body="Do you sell lids alone?",
        customer=customer,
        conversation=talk,
    )
    client.force_login(igor)
    html = client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    assert "Where is my teapot?" in html and "Do you sell lids alone?" in html
    assert f'action="{reverse("feedback:claim_message", args=[claim.pk])}"' in html


def test_the_inspector_writes_to_the_customer_through_the_outbox_as_the_author(client, claim, igor):
    client.force_login(igor)
    response = client.post(
        reverse("feedback:claim_message", args=[claim.pk]),
        {"channel": "sms", "body": "Igor from quality control here."},
    )
    assert response.status_code == 302
    sent = OutboundMessage.objects.get(author=igor)
    assert (sent.customer, sent.order, sent.channel, sent.purpose) == (
        claim.customer,
        claim.order,
        "sms",
        "manual",
    )
    assert (
        "Igor from quality control here."
        in client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    )


def test_a_refused_message_comes_back_as_typed(client, claim, igor):
    client.force_login(igor)
    with time_machine.travel(NOON + timedelta(days=5)):
        response = client.post(
            reverse("feedback:claim_message", args=[claim.pk]), {"channel": "whatsapp", "body": "About your lid"}
        )
    html = response.content.decode()
    assert response.status_code == 400 and "only within 24 hours" in html and "About your lid" in html
    assert not OutboundMessage.objects.filter(author=igor).exists()


def test_a_supervisor_reads_the_claim_but_does_not_write_and_a_closed_claim_takes_no_message(
    client, claim, igor, shop
):
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    client.force_login(boss)
    html = client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    assert 'data-testid="message-form"' not in html
    assert (
        client.post(
            reverse("feedback:claim_message", args=[claim.pk]), {"channel": "sms", "body": "Hi"}
        ).status_code
        == 403
    )
    claim_move(claim=claim, action="take", by=igor)
    claim_move(claim=claim, action="resolve", by=igor, text="A new lid sent")
    client.force_login(igor)
    assert (
        'data-testid="message-form"' not in client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    )
    client.post(reverse("feedback:claim_message", args=[claim.pk]), {"channel": "sms", "body": "Hi"})
    assert not OutboundMessage.objects.filter(author__isnull=False).exists()


def test_the_customers_answer_reaches_the_claims_inspector_while_the_claim_is_open(claim, igor):
    inbound_receive(message_sid="SManswer1", from_address="+79161112233", body="The lid is cracked on one side")
    bell = Notification.objects.filter(recipient=igor, kind="claim").exclude(text__startswith="Claim on order")
    assert [(n.text, n.link) for n in bell] == [
        (
            f"The customer of claim #{claim.pk} wrote: The lid is cracked on one side",
            reverse("feedback:claim", args=[claim.pk]),
        )
    ]
    claim_move(claim=claim, action="take", by=igor)
    claim_move(claim=claim, action="fail", by=igor, text="Could not agree")
    inbound_receive(message_sid="SManswer2", from_address="+79161112233", body="Hello?")
    assert bell.count() == 1
