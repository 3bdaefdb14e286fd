"""The once-only rules of feedback, each tested directly (the PostgreSQL race tests prove the locks; these prove
the rule itself on any database): a request is planned once per order and asked once, the email instead of WhatsApp
goes once, and a customer's answers open at most one claim."""

from datetime import timedelta

import pytest
import time_machine

from feedback.models import Claim, FeedbackRequest
from feedback.services import contact_answer, feedback_fallback, feedback_plan, feedback_send_due, rating_receive
from notifications.models import OutboundMessage
from tests.feedback.conftest import NOON

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)


def test_planning_the_same_order_again_keeps_the_one_request_and_its_time(delivered):
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        again = feedback_plan(order=delivered)
    assert FeedbackRequest.objects.count() == 1 and again.due_at == ASK


def test_the_job_run_twice_asks_once(twilio, delivered):
    with time_machine.travel(ASK, tick=False):
        assert feedback_send_due() == 1
    with time_machine.travel(ASK + timedelta(minutes=1), tick=False):
        assert feedback_send_due() == 0
    assert OutboundMessage.objects.filter(purpose="feedback").count() == 1
    assert FeedbackRequest.objects.get().sent_at == ASK


def test_the_email_instead_of_whatsapp_goes_once_however_often_it_is_asked_for(twilio, asked):
    later = ASK + timedelta(days=1)
    assert [feedback_fallback(request_id=asked.pk, now=later) for _ in range(3)] == [True, False, False]
    assert OutboundMessage.objects.filter(purpose="feedback", channel="email").count() == 1


def test_two_low_ratings_one_after_the_other_keep_the_first_and_open_one_claim(asked, igor):
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        rating_receive(request=asked, rating=1, source="email")
        rating_receive(request=asked, rating=2, source="whatsapp")
    assert Claim.objects.count() == 1
    asked.refresh_from_db()
    asked.order.refresh_from_db()
    assert asked.rating == asked.order.rating == 1


def test_yes_to_be_contacted_twice_opens_one_claim(asked, igor):
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        rating_receive(request=asked, rating=3, source="whatsapp")
        contact_answer(request=asked, wants=True, source="whatsapp")
        contact_answer(request=asked, wants=True, source="email")
    assert Claim.objects.count() == 1
    assert list(asked.replies.values_list("outcome", flat=True)) == ["rated", "contact_yes", "after"]
