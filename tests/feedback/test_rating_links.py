"""The email's rating links: signed and bound to the request. Opening one records nothing (mail scanners open every
link): it shows the page with that rating chosen, and only the customer's button (a POST with the signed token)
records it, through the same handler as a reply; a second changes nothing; a tampered, moved or expired link gets a
clear 4xx page; the page names the shop and nothing of the order."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from feedback.models import Claim, FeedbackReply, FeedbackRequest, RatingCredit, ShopFeedback
from feedback.services import LINK_SALT, feedback_send_due, rating_link
from tests.factories import make_order
from tests.feedback.conftest import NOON, complete

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)
PRIVATE = ("Olga", "450")


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


def send(client, link, rating=None, comment="", at=ASK + timedelta(hours=1)):
    """The customer presses "Send my rating" on the page the link opened (the link's rating unless they chose)."""
    rating = rating or signing.loads(path_of(link).split("/")[-2], salt=LINK_SALT)["r"]
    with time_machine.travel(at, tick=False):
        return client.post(path_of(link), {"rating": rating, "comment": comment}, follow=True)


def nothing_recorded(request):
    request.refresh_from_db()
    request.order.refresh_from_db()
    assert (request.state, request.rating, request.order.rating) == ("sent", None, None)
    assert not FeedbackReply.objects.exists() and not Claim.objects.exists() and not RatingCredit.objects.exists()
    assert not request.order.events.filter(kind="rating").exists()


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_every_link_records_nothing_as_a_mail_scanner_does(client, emailed, igor, method):
    # Safe Links, Mimecast, Proofpoint and Gmail open each link in order, the 1 among them.
    for rating in (5, 4, 3, 2, 1):
        with time_machine.travel(ASK + timedelta(hours=1), tick=False):
            response = getattr(client, method)(path_of(rating_link(emailed, rating)))
        assert response.status_code == 200
    nothing_recorded(emailed)


@pytest.mark.parametrize("rating", [5, 4, 3, 2, 1])
def test_a_link_shows_its_rating_chosen_with_one_button_to_send_it(client, emailed, rating):
    link = rating_link(emailed, rating)
    html = click(client, link).content.decode()
    radios = re.findall(r'<input[^>]*name="rating"[^>]*>', html)
    assert len(radios) == 5
    assert [tag for tag in radios if " checked" in tag] == [tag for tag in radios if f'value="{rating}"' in tag]
    assert html.count('type="submit"') == 1 and 'name="comment"' in html
    assert f'<form method="post" action="{path_of(link)}"' in html


def test_the_page_names_the_shop_and_shows_nothing_of_the_order(client, emailed):
    for response in (click(client, rating_link(emailed, 4)), send(client, rating_link(emailed, 4))):
        html = response.content.decode()
        assert "Green Garden" in html
        for private in (emailed.order.number, *PRIVATE):
            assert private not in html


def test_sending_the_page_records_the_rating_and_thanks(client, emailed, anna):
    response = send(client, rating_link(emailed, 4))
    assert response.status_code == 200 and "Thank you for your rating!" in response.content.decode()
    emailed.refresh_from_db()
    assert (emailed.rating, emailed.state) == (4, "answered")
    emailed.order.refresh_from_db()
    assert emailed.order.rating == 4 and "(Email)" in emailed.order.events.get(kind="rating").text
    assert RatingCredit.objects.get().user == anna


def test_the_customer_may_choose_another_rating_than_the_links_and_say_why(client, emailed):
    send(client, rating_link(emailed, 5), rating=4, comment="Good, the box was torn")
    emailed.refresh_from_db()
    assert emailed.rating == 4
    assert emailed.replies.get().text == "Good, the box was torn"


def test_the_button_works_without_a_csrf_cookie_the_signed_token_is_the_authority(emailed):
    response = send(Client(enforce_csrf_checks=True), rating_link(emailed, 5))
    assert response.status_code == 200
    assert FeedbackRequest.objects.get().rating == 5


def test_a_second_send_changes_nothing_and_is_kept_on_the_request(client, emailed):
    send(client, rating_link(emailed, 5))
    response = send(client, rating_link(emailed, 1), comment="changed my mind")
    assert response.status_code == 200 and "we already have your rating" in response.content.decode()
    emailed.refresh_from_db()
    assert emailed.rating == 5 and not Claim.objects.exists()
    assert list(emailed.replies.values_list("outcome", "text")) == [("rated", "5"), ("after", "changed my mind")]
    emailed.order.refresh_from_db()
    assert emailed.order.rating == 5 and emailed.order.events.filter(kind="rating").count() == 1


def test_opening_a_link_after_the_rating_shows_it_and_records_nothing_more(client, emailed):
    send(client, rating_link(emailed, 5))
    html = click(client, rating_link(emailed, 1)).content.decode()
    assert "we already have your rating" in html and 'aria-label="5 out of 5"' in html
    assert FeedbackReply.objects.count() == 1


def test_sending_without_a_rating_is_refused_and_keeps_the_comment(client, emailed):
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.post(path_of(rating_link(emailed, 5)), {"comment": "Lovely hose"})
    html = response.content.decode()
    assert response.status_code == 400 and "Choose a rating." in html and "Lovely hose" in html
    nothing_recorded(emailed)


def test_a_low_rating_sent_from_the_page_opens_a_claim_with_the_comment(client, emailed, igor):
    send(client, rating_link(emailed, 1), comment="Arrived broken")
    claim = Claim.objects.get()
    assert claim.inspector == igor and claim.reason == "Rated 1/5: “Arrived broken”"


def test_a_three_sent_from_the_page_asks_on_the_page_and_yes_opens_a_claim(client, emailed, igor):
    link = rating_link(emailed, 3)
    html = send(client, link).content.decode()
    assert "Would you like us to contact you" in html
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.post(path_of(link) + "answer/", {"contact": "yes"})
    assert response.status_code == 302 and Claim.objects.count() == 1


def test_a_comment_after_the_rating_is_kept_on_the_request(client, emailed):
    link = rating_link(emailed, 5)
    send(client, link)
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        client.post(path_of(link) + "answer/", {"comment": "Fast delivery, thank you!"})
    assert FeedbackReply.objects.filter(outcome="comment", text="Fast delivery, thank you!").exists()


def test_the_box_after_the_rating_is_not_called_optional_and_sending_it_empty_says_what_to_do(client, emailed):
    link = rating_link(emailed, 5)
    html = send(client, link).content.decode()
    assert "Anything else you would like to add?" in html and "(optional)" not in html
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.post(path_of(link) + "answer/", {"comment": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and "Write what you would like to add, then press Send." in html
    assert "This field is required." not in html
    assert list(emailed.replies.values_list("outcome", flat=True)) == ["rated"]


def test_sending_the_rating_twice_without_a_comment_keeps_the_second_choice_not_an_empty_answer(client, emailed):
    send(client, rating_link(emailed, 2))
    send(client, rating_link(emailed, 4))  # a double click, or the page sent again from the browser's history
    assert list(emailed.replies.values_list("outcome", "text")) == [("rated", "2"), ("after", "4")]
    assert Claim.objects.count() == 1


def test_an_expired_link_records_nothing_when_sent_either(client, emailed):
    response = send(client, rating_link(emailed, 1), at=ASK + timedelta(days=15))
    assert response.status_code == 410 and "expired" in response.content.decode()
    nothing_recorded(emailed)


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
    send(client, link)
    long = "Great " * 400
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.post(path_of(link) + "answer/", {"comment": long})
    assert response.status_code == 400 and long.strip() in response.content.decode()
    assert not FeedbackReply.objects.filter(outcome="comment").exists()


@pytest.mark.parametrize("role", ["igor", "anna"])
def test_staff_logged_in_to_the_desk_cannot_send_a_customers_rating(client, emailed, igor, anna, role):
    """A customer who answers the email by email quotes its five links to the shop (Reply-To): whoever reads that
    holds working tokens. Logged in to the desk, the page refuses: a rating comes only from the customer."""
    client.force_login({"igor": igor, "anna": anna}[role])
    link = rating_link(emailed, 5)
    opened = click(client, link)
    assert opened.status_code == 403 and "only for the customer" in opened.content.decode()
    assert send(client, link).status_code == 403
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        assert client.post(path_of(link) + "answer/", {"comment": "Great!"}).status_code == 403
    nothing_recorded(emailed)


def test_what_the_customer_writes_on_the_page_is_on_the_orders_history(client, emailed):
    """A comment from the page is not a message on the order's conversation: without a history line nobody on the
    desk would read a happy customer's words (no claim shows them)."""
    link = rating_link(emailed, 5)
    send(client, link, comment="Anna was very helpful")
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        client.post(path_of(link) + "answer/", {"comment": "The hose works great in the garden"})
    texts = list(emailed.order.events.filter(kind="rating").order_by("pk").values_list("text", flat=True))
    assert texts == [
        "Rated 5/5 by the customer (Email): “Anna was very helpful”",
        "The customer added (Email): “The hose works great in the garden”",
    ]
    assert FeedbackReply.objects.filter(outcome="comment", text="The hose works great in the garden").exists()
