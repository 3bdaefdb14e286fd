"""The customer's reply, through the real inbound webhook with signed requests: each branch (4–5 thanks, 1–2 a
claim, 3 the question and its yes/no/other, anything else for inspectors), a reply after the answer, a reply
outside the request's validity. (The digit parser over real-looking replies: test_ratings_rules.py.)"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from feedback.exceptions import FeedbackError
from feedback.models import Claim, FeedbackReply, FeedbackRequest, RatingCredit
from feedback.selectors import replies_waiting
from feedback.services import reply_rate
from notifications.models import Notification, OutboundMessage
from orders.models import Conversation
from tests.factories import ShopFactory, make_order
from tests.feedback.conftest import NOON, customer_writes

pytestmark = pytest.mark.django_db
LATER = NOON + timedelta(days=4)


def answers() -> list[str]:
    return list(OutboundMessage.objects.filter(purpose="answer").order_by("pk").values_list("body", flat=True))


def writes(client, body, sid="SMreply1"):
    with time_machine.travel(LATER, tick=False):
        assert customer_writes(client, body, sid=sid).status_code == 200


@pytest.mark.parametrize("reply", ["5", "4", " 5! ", "оценка 4", "5 👍"])
def test_a_good_rating_is_thanked_recorded_and_credited(client, asked, anna, igor, reply):
    writes(client, reply)
    asked.refresh_from_db()
    assert asked.state == "answered" and asked.rating in (4, 5)
    asked.order.refresh_from_db()
    assert asked.order.rating == asked.rating
    assert answers() == ["Thank you for your rating! We are glad you liked it."]
    assert RatingCredit.objects.filter(order=asked.order, user=anna, rating=asked.rating).exists()
    assert not Claim.objects.exists()
    assert not Notification.objects.filter(kind="reply").exists()  # nobody needs to read it


@pytest.mark.parametrize("reply", ["1", "2", "1 😡"])
def test_a_bad_rating_opens_a_claim_for_an_inspector_and_tells_the_customer(client, asked, igor, reply):
    writes(client, reply)
    claim = Claim.objects.get()
    assert (claim.order, claim.inspector, claim.state, claim.request) == (asked.order, igor, "created", asked)
    assert answers() == ["We are sorry it went wrong. Our quality control has your answer and will get in touch."]
    assert Notification.objects.filter(recipient=igor, kind="claim").exists()
    asked.refresh_from_db()
    assert asked.state == "answered"


@pytest.mark.parametrize(
    ("answer", "claim"), [("yes", True), ("Да", True), ("+", True), ("no", False), ("нет", False), ("-", False)]
)
def test_a_three_asks_whether_to_get_in_touch_and_the_answer_decides(client, asked, igor, answer, claim):
    writes(client, "3")
    assert answers() == ["Thank you! Would you like us to contact you about it? Reply yes or no."]
    asked.refresh_from_db()
    assert asked.state == "contact" and asked.rating == 3
    writes(client, answer, sid="SMreply2")
    assert Claim.objects.exists() is claim
    assert answers()[-1] == (
        "Thank you: our quality control will contact you."
        if claim
        else "Understood. We are sorry it was not better, and thank you for telling us."
    )
    asked.refresh_from_db()
    assert asked.state == "answered"


def test_after_a_three_anything_else_goes_to_an_inspector(client, asked, igor):
    writes(client, "3")
    writes(client, "The courier was rude but the goods are fine", sid="SMreply2")
    assert not Claim.objects.exists()
    reply = FeedbackReply.objects.get(outcome="inspector")
    assert "courier was rude" in reply.text
    assert Notification.objects.filter(recipient=igor, kind="reply", text__contains="courier was rude").exists()


@pytest.mark.parametrize(
    "reply", ["10", "1 2", "👍", "The teapot arrived broken, the lid was cracked, I want 5 back"]
)
def test_anything_else_is_kept_for_the_inspectors_who_can_rate_it_by_hand(client, asked, igor, anna, reply):
    writes(client, reply)
    kept = FeedbackReply.objects.get()
    assert (kept.outcome, kept.text) == ("inspector", reply)
    assert Notification.objects.filter(recipient=igor, kind="reply").exists()
    assert asked.order.rating is None and not answers()
    reply_rate(reply=kept, rating=2, by=igor)
    asked.order.refresh_from_db()
    assert asked.order.rating == 2
    assert Claim.objects.count() == 1
    assert not answers()  # an inspector's reading is not answered to the customer
    assert "Rating set to 2/5 by Igor" in asked.order.events.get(kind="rating").text


def test_a_second_reply_changes_nothing_kept_on_the_timeline_and_reaches_the_manager(client, asked, anna):
    writes(client, "5")
    writes(client, "1", sid="SMreply2")
    asked.refresh_from_db()
    assert asked.rating == 5
    assert list(FeedbackReply.objects.order_by("pk").values_list("outcome", flat=True)) == ["rated", "after"]
    # With nothing open, the message is a conversation, routed to the customer's manager.
    assert Conversation.objects.get(manager=anna).messages_in.get().body == "1"


def test_a_reply_after_the_requests_validity_is_an_ordinary_message(client, asked, anna):
    with time_machine.travel(NOON + timedelta(days=3 + 15), tick=False):
        customer_writes(client, "5")
    assert FeedbackRequest.objects.get().rating is None
    assert Conversation.objects.get(manager=anna).messages_in.get().body == "5"


def test_twilio_retrying_the_reply_rates_once(client, asked):
    writes(client, "5")
    writes(client, "5")
    assert FeedbackReply.objects.count() == 1 and len(answers()) == 1


def test_a_reply_the_customer_followed_with_their_own_rating_cannot_replace_it(client, asked, igor, anna):
    """Ksenia writes something unreadable, then rates 1 herself: the inspector cannot read the old reply into a 5
    (it would lift the order, the manager's credit and the KPIs over the customer's own word)."""
    writes(client, "The hose is fine but the box was torn and wet")
    kept = FeedbackReply.objects.get(outcome="inspector")
    writes(client, "1", sid="SMreply2")
    assert list(replies_waiting(user=igor)) == []  # nothing left to decide: the customer did
    with pytest.raises(FeedbackError, match="rated the order 1/5"):
        reply_rate(reply=kept, rating=5, by=igor)
    asked.order.refresh_from_db()
    assert asked.order.rating == 1
    assert set(RatingCredit.objects.filter(order=asked.order).values_list("user", "rating")) == {(anna.pk, 1)}
    kept.refresh_from_db()
    assert kept.handled_at is None


def test_the_inspector_posting_from_a_stale_list_is_told_the_customer_rated(client, asked, igor):
    writes(client, "The hose is fine but the box was torn and wet")
    kept = FeedbackReply.objects.get(outcome="inspector")
    writes(client, "2", sid="SMreply2")
    client.force_login(igor)
    response = client.post(reverse("feedback:reply_rate", args=[kept.pk]), {"rating": "5"}, follow=True)
    assert response.redirect_chain == [(reverse("feedback:replies"), 302)]
    assert "rated the order 2/5" in response.content.decode()
    asked.order.refresh_from_db()
    assert asked.order.rating == 2


def test_a_customer_of_two_shops_answers_the_shop_that_asked(client, asked, igor):
    """Olga also has an open order at another shop: her reply is matched to that shop's customer (the latest open
    order), yet it answers the garden shop's request."""
    with time_machine.travel(LATER - timedelta(hours=1), tick=False):
        elsewhere = make_order(ShopFactory(always_open=True), phone="+79161112233", customer_name="Olga")
    writes(client, "1")
    asked.refresh_from_db()
    assert (asked.state, asked.rating) == ("answered", 1)
    assert Claim.objects.get().order == asked.order
    assert answers() == ["We are sorry it went wrong. Our quality control has your answer and will get in touch."]
    assert OutboundMessage.objects.get(purpose="answer").customer == asked.customer
    elsewhere.refresh_from_db()
    assert elsewhere.rating is None


def test_the_inspectors_bell_leads_to_the_reply_they_can_rate(client, asked, igor):
    writes(client, "The courier was rude but the goods are fine")
    notification = Notification.objects.get(recipient=igor, kind="reply")
    client.force_login(igor)
    response = client.post(reverse("notifications:open", args=[notification.pk]), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("feedback:replies")
    rate = reverse("feedback:reply_rate", args=[FeedbackReply.objects.get().pk])
    assert "courier was rude" in html and f'action="{rate}"' in html
