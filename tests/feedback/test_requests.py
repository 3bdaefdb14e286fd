"""Asking for feedback: planned on completion after the shop's delay, WhatsApp (the approved template) to a mobile,
else email with five signed links; the email once instead when WhatsApp fails (status callback) or stays
undelivered (timeout); a customer asked at most once per period; texts with no order number, amount or name."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from feedback.models import FeedbackRequest, FeedbackSettings, ShopFeedback
from feedback.services import feedback_send_due
from notifications.models import OutboundMessage
from notifications.services import outbox_send_due
from tests.factories import make_order
from tests.feedback.conftest import CONTENT_SID, NOON, complete, signed_post
from tests.notifications.conftest import WHATSAPP_FROM

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)


def test_completing_an_order_plans_the_request_after_the_shops_delay(delivered):
    request = FeedbackRequest.objects.get(order=delivered)
    assert (request.state, request.due_at) == ("planned", NOON + timedelta(days=3))


def test_a_shop_that_does_not_ask_plans_nothing(delivered, anna, shop):
    ShopFeedback.objects.filter(shop=shop).update(is_active=False)
    with time_machine.travel(NOON, tick=False):
        other = complete(make_order(shop, manager=anna), anna)
    assert not FeedbackRequest.objects.filter(order=other).exists()


def test_a_cancelled_order_is_not_asked(shop, anna):
    from orders.services import order_change_status

    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, manager=anna)
        order_change_status(order=order, target="cancelled", by=anna, reason="changed their mind")
    assert not FeedbackRequest.objects.exists()


def test_nothing_goes_before_the_delay(twilio, delivered):
    with time_machine.travel(ASK - timedelta(minutes=1), tick=False):
        assert feedback_send_due() == 0
    assert FeedbackRequest.objects.get().state == "planned"


def test_a_mobile_customer_is_asked_on_whatsapp_with_the_approved_template(twilio, delivered):
    with time_machine.travel(ASK, tick=False):
        assert feedback_send_due() == 1
        outbox_send_due()
    [sent] = twilio.sent
    assert sent.form["To"] == "whatsapp:+79161112233" and sent.form["From"] == WHATSAPP_FROM
    assert sent.form["ContentSid"] == CONTENT_SID
    assert json.loads(sent.form["ContentVariables"]) == {"1": "Maria, Green Garden"}
    request = FeedbackRequest.objects.get()
    assert (request.state, request.sent_at, request.valid_until) == ("sent", ASK, ASK + timedelta(days=14))
    text = request.whatsapp_message.body
    assert "Maria, Green Garden" in text
    for private in (delivered.number, "Olga", str(int(delivered.total))):
        assert private not in text


def test_without_a_mobile_or_a_whatsapp_template_the_email_goes_with_five_signed_links(twilio, delivered, shop):
    ShopFeedback.objects.filter(shop=shop).update(whatsapp_content_sid="")
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
        outbox_send_due()
    assert not twilio.sent
    [email] = mail.outbox
    assert email.to == ["olga@example.com"] and email.subject == "How was it?"
    links = [line for line in email.body.splitlines() if "/feedback/rate/" in line]
    assert [line.split(" — ")[0] for line in links] == ["5", "4", "3", "2", "1"]
    for private in (delivered.number, "Olga"):
        assert private not in email.body
    assert email.message().get_content_type() == "text/plain"  # as a person writes (seed 003)


def test_a_landline_gets_the_email(twilio, shop, anna):
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone="+74952223344", manager=anna)  # a Moscow landline
        order.customer.email = "office@example.com"
        order.customer.save()
        complete(order, anna)
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
    request = FeedbackRequest.objects.get()
    assert request.whatsapp_message is None and request.email_message.channel == "email"


def test_a_customer_without_whatsapp_or_email_is_not_asked_and_the_request_says_why(twilio, shop, anna):
    ShopFeedback.objects.filter(shop=shop).update(whatsapp_content_sid="")
    with time_machine.travel(NOON, tick=False):
        complete(make_order(shop, manager=anna), anna)
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
    request = FeedbackRequest.objects.get()
    assert request.state == "skipped" and "no email" in request.note


def test_a_customer_is_asked_at_most_once_per_period_however_many_orders(twilio, delivered, shop, anna):
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        second = complete(make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna), anna)
    with time_machine.travel(NOON + timedelta(days=5), tick=False):
        assert feedback_send_due() == 2
    states = dict(FeedbackRequest.objects.values_list("order_id", "state"))
    assert states == {delivered.pk: "sent", second.pk: "skipped"}
    with time_machine.travel(NOON + timedelta(days=40), tick=False):
        third = complete(make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna), anna)
    with time_machine.travel(NOON + timedelta(days=43), tick=False):
        feedback_send_due()
    assert FeedbackRequest.objects.get(order=third).state == "sent"


def test_whatsapp_failing_by_status_callback_sends_the_email_once(client, twilio, asked):
    with time_machine.travel(ASK, tick=False):
        outbox_send_due()
    sid = OutboundMessage.objects.get(channel="whatsapp").provider_id
    for _ in range(2):  # Twilio may repeat the callback
        response = signed_post(
            client,
            "/webhooks/twilio/status/",
            {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "63003"},
        )
        assert response.status_code == 200
    emails = OutboundMessage.objects.filter(channel="email", purpose="feedback")
    assert emails.count() == 1
    asked.refresh_from_db()
    assert asked.email_message == emails.get()


def test_whatsapp_refused_at_once_by_twilio_sends_the_email_once(twilio, delivered):
    twilio.fail(status=400, code=63003, message="Channel could not find To address")
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
        outbox_send_due()
        outbox_send_due()
    assert OutboundMessage.objects.filter(channel="email", purpose="feedback").count() == 1


def test_whatsapp_not_delivered_within_the_wait_sends_the_email_once(twilio, asked):
    with time_machine.travel(ASK, tick=False):
        outbox_send_due()  # sent, but no "delivered" ever comes
    with time_machine.travel(ASK + timedelta(hours=23), tick=False):
        feedback_send_due()
    assert not OutboundMessage.objects.filter(channel="email").exists()
    with time_machine.travel(ASK + timedelta(hours=24), tick=False):
        feedback_send_due()
        feedback_send_due()
    assert OutboundMessage.objects.filter(channel="email", purpose="feedback").count() == 1


def test_whatsapp_delivered_in_time_means_no_email(client, twilio, asked):
    with time_machine.travel(ASK, tick=False):
        outbox_send_due()
    sid = OutboundMessage.objects.get(channel="whatsapp").provider_id
    signed_post(client, "/webhooks/twilio/status/", {"MessageSid": sid, "MessageStatus": "delivered"})
    with time_machine.travel(ASK + timedelta(days=2), tick=False):
        feedback_send_due()
    assert not OutboundMessage.objects.filter(channel="email").exists()


def test_stop_on_whatsapp_sends_the_email_instead(twilio, delivered):
    from notifications.models import OptOut

    OptOut.objects.create(customer=delivered.customer, channel="whatsapp", reason="replied STOP")
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
    request = FeedbackRequest.objects.get()
    assert request.state == "sent" and request.email_message is not None


@pytest.mark.parametrize(
    ("field", "value"), [("ask_once_per", timedelta(0)), ("valid_for", timedelta(seconds=-1))]
)
def test_feedback_settings_refuse_durations_that_are_not_positive(field, value):
    from django.core.exceptions import ValidationError

    settings = FeedbackSettings.load()
    setattr(settings, field, value)
    with pytest.raises(ValidationError):
        settings.full_clean()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"delay": timedelta(days=15)}, "14 days"),
        ({"email_text": "Hello, rate us! {{ signer }}"}, "Put {{ links }} where the five rating links go."),
        ({"email_text": "{{ links }} {{ order.number }}"}, "does not exist: {{ order.number }}"),
        ({"email_text": "{{ links }} {{ signer"}, "is not closed"),
        ({"whatsapp_text": "How was it? {% if %}"}, "does not render"),
        ({"whatsapp_text": "How was it? {links} {{ signer }}"}, "“{links”, which is shown as written"),
        ({"email_subject": "{{ order.total }} for you"}, "does not exist: {{ order.total }}"),
        ({"whatsapp_content_sid": "HX12"}, "HX followed by 32"),
    ],
)
def test_a_shops_feedback_settings_refuse_what_would_break_the_request(shop, changes, error):
    from django.core.exceptions import ValidationError

    config = ShopFeedback.objects.get(shop=shop)
    for field, value in changes.items():
        setattr(config, field, value)
    with pytest.raises(ValidationError, match=re.escape(error)):
        config.full_clean()
