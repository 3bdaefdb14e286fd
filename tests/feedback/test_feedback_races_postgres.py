"""Feedback under real concurrency on PostgreSQL: the status callback and the timeout sending the fallback email
at once send it once; two clicks on rating links at once record one rating and open at most one claim."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from feedback.models import Claim, FeedbackRequest, ShopFeedback
from feedback.services import feedback_fallback, feedback_send_due, rating_receive
from notifications.models import OutboundMessage
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order, msk
from tests.feedback.conftest import complete
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]
NOON = msk(2026, 11, 24, 12, 0)


@pytest.fixture
def asked():
    shop = ShopFactory(always_open=True)
    ShopFeedback.objects.create(
        shop=shop, signer="Maria", delay=timedelta(0), whatsapp_content_sid="HX" + "ab" * 16
    )
    anna = free_manager(shops=[shop])
    checker = inspector()
    grant(checker, shops=[shop])
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone="+79161112233", manager=anna)
        order.customer.email = "olga@example.com"
        order.customer.save()
        complete(order, anna)
        feedback_send_due()
    return FeedbackRequest.objects.get(order=order)


def test_the_fallback_raced_by_the_callback_and_the_timeout_sends_one_email(asked):
    results = race(4, lambda i: feedback_fallback(request_id=asked.pk, now=NOON + timedelta(days=1)))
    assert sorted(results) == [False, False, False, True], results
    assert OutboundMessage.objects.filter(channel="email", purpose="feedback").count() == 1


def test_two_ratings_at_once_record_one_and_open_at_most_one_claim(asked):
    FeedbackRequest.objects.filter(pk=asked.pk).update(valid_until=timezone.now() + timedelta(days=1))
    results = race(4, lambda i: rating_receive(request=asked, rating=1 if i % 2 else 2, source="email").rating)
    assert len(set(results)) == 1, results
    assert Claim.objects.count() == 1
    asked.order.refresh_from_db()
    assert asked.order.rating == results[0]
