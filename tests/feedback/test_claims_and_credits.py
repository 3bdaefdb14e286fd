"""The rating credited to everyone who worked on the order; claims: routed to the least busy inspector, moved only
along Created → In work → Resolved/Failed, flagged overdue; inspectors see only their shops' claims; every role
against every claim action; the supervisor dashboard's panel."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext_noop
from django_fsm import TransitionNotAllowed

from core.phrases import phrase
from feedback.exceptions import ClaimRefused
from feedback.models import Claim, ClaimEvent, FeedbackReply, FeedbackRequest, RatingCredit
from feedback.services import claim_move, claim_open, claims_flag_overdue, rating_receive, reply_rate
from notifications.models import Notification
from orders.models import CallOutcome
from orders.services import order_add_note, order_record_call, order_set_manager
from tests.factories import ShopFactory, UserFactory, free_manager, grant, inspector, make_order, supervisor
from tests.feedback.conftest import NOON, complete

pytestmark = pytest.mark.django_db


def request_for(order) -> FeedbackRequest:
    request = FeedbackRequest.objects.get(order=order)
    FeedbackRequest.objects.filter(pk=request.pk).update(
        state="sent", sent_at=NOON, valid_until=NOON + timedelta(days=14)
    )
    request.refresh_from_db()
    return request


def test_an_order_worked_by_three_people_and_rated_2_credits_all_three_and_opens_one_claim(shop, anna, igor):
    boris = free_manager(shops=[shop], first_name="Boris")
    boss = supervisor(first_name="Svetlana")
    grant(boss, shops=[shop])
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, manager=anna)
        order_record_call(order=order, by=anna, outcome=CallOutcome.REACHED)
        order_set_manager(order=order, manager=boris, by=boss, reason="Anna is off")
        order_add_note(order=order, by=boss, text="Checked the address")
        complete(order, boris)
    rating_receive(request=request_for(order), rating=2, source="whatsapp")
    credited = dict(RatingCredit.objects.filter(order=order).values_list("user__first_name", "rating"))
    assert credited == {"Anna": 2, "Boris": 2, "Svetlana": 2}
    assert Claim.objects.filter(order=order).count() == 1


def test_an_inspectors_correction_moves_every_credit_and_is_its_own_history_line(delivered, anna, igor):
    request = request_for(delivered)
    rating_receive(request=request, rating=3, source="sms")
    reply = FeedbackReply.objects.create(
        request=request, text="Actually it broke", source="sms", outcome="inspector"
    )
    reply_rate(reply=reply, rating=1, by=igor)
    assert set(RatingCredit.objects.values_list("rating", flat=True)) == {1}
    texts = list(delivered.events.filter(kind="rating").order_by("pk").values_list("text", flat=True))
    assert texts == [
        "Rated 3/5 by the customer (SMS).",
        "Rating set to 1/5 by Igor (read by an inspector), was 3/5.",
    ]


def test_a_claim_goes_to_the_inspector_with_the_fewest_open_claims(delivered, shop, igor):
    vera = inspector(first_name="Vera")
    grant(vera, shops=[shop])
    other_shop_inspector = inspector(first_name="Petr")
    grant(other_shop_inspector, shops=[ShopFactory()])
    first = claim_open(order=delivered, reason="Broken lid")
    second = claim_open(order=delivered, reason="Late")
    third = claim_open(order=delivered, reason="Rude courier")
    assert {first.inspector, second.inspector} == {igor, vera}
    assert third.inspector in (igor, vera)
    claim_move(claim=first, action="take", by=first.inspector)
    claim_move(claim=first, action="resolve", by=first.inspector, text="Sent a new lid")
    fourth = claim_open(order=delivered, reason="Again")
    assert fourth.inspector == first.inspector  # their resolved claim no longer counts


@pytest.fixture
def claim(delivered, igor):
    with time_machine.travel(NOON, tick=False):
        return claim_open(order=delivered, reason="Rated 1/5: the lid was cracked")


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["take"], True),
        (["take", "resolve"], True),
        (["take", "fail"], True),
        (["resolve"], False),
        (["fail"], False),
        (["take", "take"], False),
        (["take", "resolve", "fail"], False),
        (["take", "fail", "resolve"], False),
    ],
)
def test_a_claim_moves_only_along_its_pipeline(claim, igor, path, allowed):
    *before, last = path
    for step in before:
        claim_move(claim=claim, action=step, by=igor, text="Done")
    if allowed:
        claim_move(claim=claim, action=last, by=igor, text="Done")
    else:
        state = claim.state
        with pytest.raises(ClaimRefused):
            claim_move(claim=claim, action=last, by=igor, text="Done")
        claim.refresh_from_db()
        assert claim.state == state


def test_there_is_no_path_around_the_pipeline(claim):
    with pytest.raises(AttributeError):
        claim.state = "resolved"
    with pytest.raises(TransitionNotAllowed):
        Claim.objects.filter(pk=claim.pk).update(state="resolved")


def test_closing_a_claim_says_what_was_done(claim, igor):
    claim_move(claim=claim, action="take", by=igor)
    with pytest.raises(ClaimRefused, match="Say what was done"):
        claim_move(claim=claim, action="resolve", by=igor, text="  ")
    claim_move(claim=claim, action="resolve", by=igor, text="Sent a new lid")
    claim.refresh_from_db()
    assert claim.closed_at is not None
    kinds = list(ClaimEvent.objects.filter(claim=claim).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "taken", "resolved"]


def test_an_open_claim_past_its_due_time_is_flagged_once_and_the_supervisors_told(claim, shop):
    boss = supervisor()
    grant(boss, shops=[shop])
    assert claims_flag_overdue(now=NOON + timedelta(days=2) - timedelta(minutes=1)) == 0
    assert claims_flag_overdue(now=NOON + timedelta(days=2)) == 1
    assert claims_flag_overdue(now=NOON + timedelta(days=3)) == 0
    claim.refresh_from_db()
    assert (
        claim.is_overdue
        and Notification.objects.filter(recipient=boss, kind="claim", text__contains="overdue").exists()
    )


def test_with_no_inspector_for_the_shop_the_supervisors_hear_of_the_claim(delivered, shop):
    boss = supervisor()
    grant(boss, shops=[shop])
    claim = claim_open(order=delivered, reason="Broken")
    assert claim.inspector is None and Notification.objects.filter(recipient=boss, kind="claim").exists()


# Claim pages and actions by role: inspectors of the shop work them, supervisors read them, managers and others
# see nothing; an inspector of another shop does not find them.
ROLES = ["inspector", "other inspector", "supervisor", "manager", "no role", "admin"]


@pytest.fixture
def people(shop, anna, igor):
    other = inspector(username="petr")
    grant(other, shops=[ShopFactory()])
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    return {
        "inspector": igor,
        "other inspector": other,
        "supervisor": boss,
        "manager": anna,
        "no role": UserFactory(username="nobody"),
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


READERS = {"inspector", "supervisor", "admin"}
WORKERS = {"inspector", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["feedback:claims", "feedback:claim", "feedback:replies"])
def test_each_role_reads_exactly_the_claim_pages_it_should(client, claim, people, role, page):
    client.force_login(people[role])
    url = reverse(page, args=[claim.pk]) if page == "feedback:claim" else reverse(page)
    response = client.get(url)
    if role in READERS:
        assert response.status_code == 200
        if page == "feedback:claims":
            assert f"#{claim.pk}" in response.content.decode()
    elif role == "other inspector":
        assert response.status_code == (404 if page == "feedback:claim" else 200)
        assert f"#{claim.pk}<" not in response.content.decode()
    else:
        assert response.status_code == 403


CLAIM_ACTIONS = {
    "take": (
        lambda c: reverse("feedback:claim_step", args=[c.pk]),
        {"action": "take"},
        lambda c: c.state == "in_work",
    ),
    "note": (
        lambda c: reverse("feedback:claim_note", args=[c.pk]),
        {"text": "Called the customer"},
        lambda c: c.events.filter(kind="note").exists(),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", CLAIM_ACTIONS)
def test_each_role_may_do_exactly_its_claim_actions(client, claim, people, role, action):
    url, data, happened = CLAIM_ACTIONS[action]
    client.force_login(people[role])
    response = client.post(url(claim), data)
    claim.refresh_from_db()
    if role in WORKERS:
        assert response.status_code == 302 and happened(claim)
    else:
        assert response.status_code in (403, 404) and not happened(claim)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_rate_a_waiting_reply_exactly_when_it_works_claims(client, delivered, people, role):
    request = request_for(delivered)
    reply = FeedbackReply.objects.create(request=request, text="Hmm, so-so", source="sms", outcome="inspector")
    client.force_login(people[role])
    response = client.post(reverse("feedback:reply_rate", args=[reply.pk]), {"rating": "4"})
    delivered.refresh_from_db()
    if role in WORKERS:
        assert response.status_code == 302 and delivered.rating == 4
    else:
        assert response.status_code in (403, 404) and delivered.rating is None


def test_a_refused_step_keeps_what_the_inspector_typed(client, claim, igor):
    claim_move(claim=claim, action="take", by=igor)
    client.force_login(igor)
    response = client.post(reverse("feedback:claim_step", args=[claim.pk]), {"action": "resolve", "text": ""})
    assert response.status_code == 400 and "Say what was done" in response.content.decode()
    response = client.post(
        reverse("feedback:claim_step", args=[claim.pk]), {"action": "take", "text": "Typed <b>text</b>"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Typed &lt;b&gt;text&lt;/b&gt;</textarea>" in html


def test_the_claim_page_shows_the_customer_orders_messages_ratings_and_history_with_allowed_buttons_only(
    client, claim, igor, people
):
    client.force_login(igor)
    html = client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    assert "the lid was cracked" in html and claim.order.number in html and "Take in work" in html
    assert "Resolve" not in html
    claim_move(claim=claim, action="take", by=igor)
    html = client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    assert "Take in work</button>" not in html and "Resolve" in html and "Failed" in html
    client.force_login(people["supervisor"])
    html = client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    assert 'data-testid="claim-steps"' not in html


def test_the_claim_page_gives_the_inspector_the_customers_phone_and_email_to_get_in_touch(client, claim, igor):
    client.force_login(igor)
    html = client.get(reverse("feedback:claim", args=[claim.pk])).content.decode()
    customer = claim.customer
    assert customer.email and customer.phone
    assert f'href="mailto:{customer.email}"' in html and f'href="tel:{customer.phone}"' in html


def test_the_claims_board_filters_by_state_shop_and_overdue(client, claim, igor):
    client.force_login(igor)
    assert f"#{claim.pk}" in client.get(reverse("feedback:claims")).content.decode()
    assert f"#{claim.pk}" not in client.get(reverse("feedback:claims"), {"state": "resolved"}).content.decode()
    assert f"#{claim.pk}" not in client.get(reverse("feedback:claims"), {"overdue": "on"}).content.decode()
    assert (
        f"#{claim.pk}"
        in client.get(reverse("feedback:claims"), {"state": "", "shop": claim.shop_id}).content.decode()
    )


def test_the_supervisor_dashboard_shows_open_claims_and_replies_waiting(client, claim, people, delivered):
    FeedbackReply.objects.create(request=request_for(delivered), text="?", source="sms", outcome="inspector")
    client.force_login(people["supervisor"])
    html = client.get(reverse("dashboard:dashboard")).content.decode()
    assert 'data-testid="open-claims">1 open' in html and "1 reply needs a person" in html
    assert "the lid was cracked" in html


def test_a_manager_is_not_shown_the_claims_link(client, anna, igor):
    client.force_login(anna)
    assert 'data-testid="claims-link"' not in client.get(reverse("orders:list")).content.decode()
    client.force_login(igor)
    assert 'data-testid="claims-link"' in client.get(reverse("orders:list")).content.decode()


def test_a_claim_the_desk_opened_reads_in_each_readers_language_and_a_persons_words_stay_as_typed(
    client, delivered, igor, speaking
):
    """The claim keeps its reason and history as data: the inspector reading Russian and one reading English see
    the same claim each in their language; what the inspector typed is never translated."""
    with time_machine.travel(NOON, tick=False):
        claim = claim_open(order=delivered, reason=phrase(gettext_noop("Rated %(rating)s/5."), rating=2))
    claim_move(claim=claim, action="take", by=igor)
    claim_move(claim=claim, action="resolve", by=igor, text="Отправили новую крышку")
    assert claim.reason == "Rated 2/5."  # English kept for search and exports
    client.force_login(igor)
    url = reverse("feedback:claim", args=[claim.pk])
    english = client.get(url).content.decode()
    assert "Rated 2/5." in english and "Opened for" in english and "Resolved: Отправили новую крышку" in english
    with speaking("ru"):
        russian = client.get(url).content.decode()
    assert "Оценка 2/5." in russian and "Rated" not in russian and "Opened for" not in russian
    assert "Отправили новую крышку" in russian
