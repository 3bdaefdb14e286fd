"""Feedback in admin: every page opens with data in it, a shop's feedback settings refuse nonsense and keep what
was typed, claims are read-only there (worked on their page, along the pipeline)."""

import pytest
from django.urls import reverse

from feedback.models import Claim, ShopFeedback
from feedback.services import claim_open

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/feedback/shopfeedback/",
        "/admin/feedback/feedbacksettings/",
        "/admin/feedback/feedbackrequest/",
        "/admin/feedback/ratingcredit/",
        "/admin/feedback/claim/",
    ],
)
def test_feedback_admin_pages_open_with_data_in_them(admin_client, delivered, igor, url):
    claim_open(order=delivered, reason="Broken")
    assert admin_client.get(url).status_code == 200
    claim = Claim.objects.get()
    assert admin_client.get(reverse("admin:feedback_claim_change", args=[claim.pk])).status_code == 200


def test_a_shops_feedback_with_nonsense_is_refused_and_keeps_the_input(admin_client, shop):
    config = ShopFeedback.objects.get(shop=shop)
    data = {
        "shop": shop.pk,
        "is_active": "on",
        "delay": "3 weeks",
        "signer": "Maria",
        "whatsapp_content_sid": "",
        "whatsapp_text": "How was it? {{ signer }}",
        "email_subject": "How was it?",
        "email_text": "Rate us: {{ links }} {{ order_number }}",
    }
    response = admin_client.post(reverse("admin:feedback_shopfeedback_change", args=[config.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'value="3 weeks"' in html and "{{ order_number }}" in html
    assert "uses something that does not exist: {{ order_number }}" in html
    config.refresh_from_db()
    assert config.email_text != data["email_text"]


def test_claims_cannot_be_edited_in_admin(admin_client, delivered, igor):
    claim = claim_open(order=delivered, reason="Broken")
    response = admin_client.post(reverse("admin:feedback_claim_change", args=[claim.pk]), {"state": "resolved"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.state == "created"
