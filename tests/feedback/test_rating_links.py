"""The email's one-click rating links: signed and bound to the request; a valid click records the rating (the same
handler as a reply), a second changes nothing, a tampered, moved or expired link gets a clear 4xx page, and the
page shows nothing of the order."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from feedback.models import Claim, FeedbackReply, FeedbackRequest, ShopFeedback
from feedback.services import LINK_SALT, feedback_send_due, rating_link
from tests.factories import make_order
from tests.feedback.conftest import NOON, complete

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)


@pytest.fixture
def emailed(delivered, shop):
    ShopFeedback.objects.filter(shop=shop).update(whatsapp_content_sid="")
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
    return FeedbackRequest.objects.get(order=delivered)


def path_of(link: str) -> str:
    return link.removeprefix("https://desk.example.com").removeprefix("http://127.0.0.1:8000")


def click(client, link, at=ASK + timedelta(hours=1)):
    with time_machine.travel(at, tick=False):
        return client.get(path_of(link))


def test_a_click_records_the_rating_thanks_and_shows_nothing_of_the_order(client, emailed, anna):
    response = click(client, rating_link(emailed, 4))
    html = response.content.decode()
    assert response.status_code == 200 and "Thank you for your rating!" in html
    for private in (emailed.order.number, "Olga", "Green Garden", "450"):
        assert private not in html
    emailed.refresh_from_db()
    assert (emailed.rating, emailed.state) == (4, "answered")
    emailed.order.refresh_from_db()
    assert emailed.order.rating == 4 and "(email)" in emailed.order.events.get(kind="rating").text


def test_a_second_click_changes_nothing(client, emailed):
    click(client, rating_link(emailed, 5))
    response = click(client, rating_link(emailed, 1))
    assert response.status_code == 200 and "we already have your rating" in response.content.decode()
    emailed.refresh_from_db()
    assert emailed.rating == 5 and not Claim.objects.exists()


def test_a_low_rating_by_link_opens_a_claim(client, emailed, igor):
    click(client, rating_link(emailed, 1))
    assert Claim.objects.get().inspector == igor


def test_a_three_by_link_asks_on_the_page_and_yes_opens_a_claim(client, emailed, igor):
    link = rating_link(emailed, 3)
    html = click(client, link).content.decode()
    assert "Would you like us to contact you" in html
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.post(path_of(link) + "answer/", {"contact": "yes"})
    assert response.status_code == 302 and Claim.objects.count() == 1


def test_a_comment_is_kept_on_the_request(client, emailed):
    link = rating_link(emailed, 5)
    click(client, link)
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        client.post(path_of(link) + "answer/", {"comment": "Fast delivery, thank you!"})
    assert FeedbackReply.objects.filter(outcome="comment", text="Fast delivery, thank you!").exists()


def test_a_tampered_link_is_a_clear_400(client, emailed):
    link = rating_link(emailed, 5)
    response = click(client, link[:-3] + ("AAA" if not link.endswith("AAA/") else "BBB") + "/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert FeedbackRequest.objects.get().rating is None


def test_a_link_moved_to_another_order_is_refused(client, emailed, shop, anna):
    with time_machine.travel(NOON, tick=False):
        other = complete(make_order(shop, manager=anna), anna)
    # Signed with the desk's key but naming this request and another order: it was not made for that pair.
    token = signing.dumps({"q": emailed.pk, "o": other.pk, "r": 5}, salt=LINK_SALT, compress=True)
    response = click(client, f"/feedback/rate/{token}/")
    assert response.status_code == 400
    # And a link signed for another purpose (another salt) is not a rating link.
    foreign = signing.dumps({"q": emailed.pk, "o": emailed.order_id, "r": 5}, compress=True)
    assert click(client, f"/feedback/rate/{foreign}/").status_code == 400
    assert FeedbackRequest.objects.get(pk=emailed.pk).rating is None


def test_an_expired_link_is_a_clear_410(client, emailed):
    response = click(client, rating_link(emailed, 5), at=ASK + timedelta(days=15))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert FeedbackRequest.objects.get().rating is None


@pytest.mark.parametrize("token", ["x", "e30:1:2", "a" * 300, "..%2F..%2F"])
def test_garbage_tokens_are_4xx_never_5xx(client, emailed, token):
    assert 400 <= click(client, f"/feedback/rate/{token}/").status_code < 500


def test_the_rating_page_needs_no_login(client, emailed):
    assert click(client, rating_link(emailed, 4)).status_code == 200  # an anonymous client


def test_a_link_older_than_the_validity_the_admin_now_sets_has_expired(client, emailed):
    from feedback.models import FeedbackSettings

    link = rating_link(emailed, 5)  # signed now; the request itself stays valid for 14 days
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"valid_for": timedelta(days=1)})
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        response = client.get(path_of(link))
    assert response.status_code == 410


def test_a_comment_too_long_comes_back_as_typed(client, emailed):
    link = rating_link(emailed, 5)
    click(client, link)
    long = "Great " * 400
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.post(path_of(link) + "answer/", {"comment": long})
    assert response.status_code == 400 and long.strip() in response.content.decode()
    assert not FeedbackReply.objects.filter(outcome="comment").exists()
