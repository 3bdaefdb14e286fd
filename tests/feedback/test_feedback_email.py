"""The feedback email as seed 003 says it works: from a person (the shop's signer, their own address, Reply-To as
the shop sets it), plain text with no layout. Staff never hold the customer's links: the copy kept on the order,
the customer, the claim and in admin has them masked, and only the letter that went to the customer carries the
five working links, signed when it is sent."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse

from feedback.models import FeedbackRequest, ShopFeedback
from feedback.services import LINK_SALT, claim_open, feedback_send_due
from feedback.services.requests import MASKED_LINK
from notifications.models import OutboundMessage
from notifications.services import outbox_send_due
from tests.factories import grant, supervisor
from tests.feedback.conftest import NOON

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)
RATE_LINK = re.compile(r"/feedback/rate/([^/\s\"'<>]+)/")


@pytest.fixture
def sent_email(twilio, delivered, shop):
    """The shop asks by email only; the request goes out and the outbox sends it."""
    ShopFeedback.objects.filter(shop=shop).update(whatsapp_content_sid="")
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
        outbox_send_due()
    [email] = mail.outbox
    return email


def test_the_email_comes_from_the_signer_in_plain_text_with_the_shops_reply_to(twilio, delivered, shop):
    ShopFeedback.objects.filter(shop=shop).update(
        whatsapp_content_sid="", signer_email="maria@green-garden.example", reply_to="care@green-garden.example"
    )
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
        outbox_send_due()
    [email] = mail.outbox
    assert email.from_email == '"Maria, Green Garden" <maria@green-garden.example>'
    assert email.reply_to == ["care@green-garden.example"]
    message = email.message()
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    # No layout and no branding: the text the shop wrote, signed by the person, and nothing after it.
    assert email.body.startswith("Hello!\n\nHow do you like your purchase?")
    assert email.body.endswith("Thank you,\nMaria, Green Garden") and "Orderdesk" not in email.body


def test_without_the_signers_address_the_desks_address_goes_under_the_signers_name(sent_email, settings):
    assert settings.DEFAULT_FROM_EMAIL == "Orderdesk <orders@orderdesk.local>"
    assert sent_email.from_email == '"Maria, Green Garden" <orders@orderdesk.local>'
    # No signer's address to answer to: a reply comes back to the desk, to the order (notifications.replies).
    [reply_to] = sent_email.reply_to
    assert reply_to.startswith("reply+") and reply_to.endswith("@reply.orderdesk.test")


def test_only_the_letter_to_the_customer_carries_the_five_working_links(client, sent_email):
    tokens = RATE_LINK.findall(sent_email.body)
    assert [signing.loads(token, salt=LINK_SALT)["r"] for token in tokens] == [5, 4, 3, 2, 1]
    with time_machine.travel(ASK + timedelta(hours=1), tick=False):
        response = client.get(f"/feedback/rate/{tokens[4]}/")
    assert response.status_code == 200 and re.search(r'value="1"[^>]* checked', response.content.decode())
    kept = OutboundMessage.objects.get(channel="email").body
    assert not RATE_LINK.search(kept) and kept.count(MASKED_LINK) == 5
    assert kept == RATE_LINK.sub("X", sent_email.body).replace("https://desk.example.comX", MASKED_LINK)


def _staff_pages(request, claim):
    order, customer = request.order, request.customer
    message = OutboundMessage.objects.get(channel="email")
    return {
        "manager": [reverse("orders:detail", args=[order.pk]), reverse("orders:customer", args=[customer.pk])],
        "supervisor": [
            reverse("orders:detail", args=[order.pk]),
            reverse("orders:customer", args=[customer.pk]),
            reverse("feedback:claim", args=[claim.pk]),
        ],
        "inspector": [reverse("feedback:claim", args=[claim.pk])],
        "admin": [
            reverse("orders:detail", args=[order.pk]),
            reverse("admin:notifications_outboundmessage_change", args=[message.pk]),
        ],
    }


@pytest.mark.parametrize("role", ["manager", "supervisor", "inspector", "admin"])
def test_staff_see_the_feedback_email_with_its_links_masked(
    client, sent_email, shop, anna, igor, admin_user, role
):
    request = FeedbackRequest.objects.get()
    claim = claim_open(order=request.order, reason="Rated 2/5.", request=request)
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    people = {"manager": anna, "supervisor": boss, "inspector": igor, "admin": admin_user}
    sent_tokens = RATE_LINK.findall(sent_email.body)
    client.force_login(people[role])
    for url in _staff_pages(request, claim)[role]:
        html = client.get(url).content.decode()
        assert MASKED_LINK.replace("'", "&#x27;") in html, url  # the email is on the page, masked
        assert not RATE_LINK.search(html), url
        assert not any(token in html for token in sent_tokens), url
