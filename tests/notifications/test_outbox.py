"""The outbox against a fake Twilio on 127.0.0.1 that the real twilio client talks to: exact Messages API fields,
email parts, the rollback, retries with backoff, the provider down for a while, permanent errors, quiet hours
and the limits that protect the customer."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from notifications.exceptions import MessageRefused
from notifications.models import MessageTemplate, MessagingSettings, Notification, OptOut, OutboundMessage
from notifications.services import message_queue, message_write, outbox_send_due
from tests.factories import ShopFactory, free_manager, make_order, msk, supervisor
from tests.notifications.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    SMS_FROM,
    WHATSAPP_FROM,
    delivered_to,
    email_template,
    sms_template,
    whatsapp_template,
)

pytestmark = pytest.mark.django_db
State = OutboundMessage.State
NOON = msk(2026, 11, 24, 12, 0)


@pytest.fixture
def order():
    with time_machine.travel(NOON, tick=False):
        return make_order(ShopFactory(), phone="+79161112233", customer_name="Anna")


def queue(order, template, *, purpose="trigger", now=NOON, **kwargs):
    with time_machine.travel(now, tick=False):  # the row's created_at is on the same clock
        return message_queue(
            customer=order.customer,
            order=order,
            channel=template.channel,
            purpose=purpose,
            template=template,
            now=now,
            **kwargs,
        )


def test_an_sms_goes_through_the_real_client_with_the_exact_messages_api_fields(
    twilio, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(NOON, tick=False):
        message = queue(order, sms_template())
    [sent] = twilio.sent
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert (sent.username, sent.password) == (ACCOUNT_SID, AUTH_TOKEN)
    assert sent.form == {
        "To": "+79161112233",
        "From": SMS_FROM,
        "Body": f"Hello Anna, order {order.number} is confirmed.",
        # The row's id lets a late callback find its row when the send timed out before Twilio answered.
        "StatusCallback": f"https://desk.example.com/webhooks/twilio/status/?outbox={message.pk}",
    }
    message.refresh_from_db()
    assert (message.state, message.provider_id, message.attempts) == (State.SENT, sent.sid, 1)


def test_a_whatsapp_template_is_sent_as_content_sid_and_content_variables(
    twilio, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(NOON, tick=False):
        message = queue(order, whatsapp_template())
    [sent] = twilio.sent
    assert sent.form == {
        "To": "whatsapp:+79161112233",
        "From": WHATSAPP_FROM,
        "ContentSid": "HX" + "ab" * 16,
        "ContentVariables": json.dumps({"1": "Anna", "2": order.number}),
        "StatusCallback": f"https://desk.example.com/webhooks/twilio/status/?outbox={message.pk}",
    }


def test_whatsapp_free_text_is_sent_as_a_body_inside_the_customers_24_hour_window(
    twilio, order, django_capture_on_commit_callbacks
):
    from notifications.models import InboundMessage

    # At noon in the customer's zone: at night quiet hours would rightly hold the reply.
    with time_machine.travel(NOON, tick=False):
        InboundMessage.objects.create(
            message_sid="SMin1", channel="whatsapp", from_address="whatsapp:+79161112233", customer=order.customer
        )
        with django_capture_on_commit_callbacks(execute=True):
            message = message_write(order=order, by=None, channel="whatsapp", body="Yes, we deliver on Sunday.")
    [sent] = twilio.sent
    assert sent.form == {
        "To": "whatsapp:+79161112233",
        "From": WHATSAPP_FROM,
        "Body": "Yes, we deliver on Sunday.",
        "StatusCallback": f"https://desk.example.com/webhooks/twilio/status/?outbox={message.pk}",
    }


def test_whatsapp_free_text_outside_the_window_is_refused_before_anything_is_written(twilio, order):
    with pytest.raises(MessageRefused, match="24 hours"):
        message_write(order=order, by=None, channel="whatsapp", body="Hello")
    assert not OutboundMessage.objects.exists() and not twilio.sent


def test_an_email_has_a_plain_and_an_escaped_html_part(order, django_capture_on_commit_callbacks):
    order.customer.email = "anna@example.com"
    order.customer.save()
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(NOON, tick=False):
        message = queue(order, email_template())
    [email] = mail.outbox
    assert email.to == ["anna@example.com"] and email.subject == f"Order {order.number} is on its way"
    assert f"your order <b>{order.number}</b>" in email.body  # plain text is sent as written
    html, mime = email.alternatives[0]
    assert mime == "text/html" and f"&lt;b&gt;{order.number}&lt;/b&gt;" in html and "<b>" not in html
    message.refresh_from_db()
    assert message.state == State.SENT


def test_a_change_that_rolls_back_sends_nothing(twilio, order, django_capture_on_commit_callbacks):
    template = sms_template()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue(order, template)
        raise RuntimeError("the order's change failed")
    assert not OutboundMessage.objects.exists() and not twilio.sent
    outbox_send_due(now=NOON + timedelta(minutes=5))
    assert not twilio.sent


def test_a_failed_try_waits_longer_each_time_then_goes_once(twilio, order):
    template = sms_template()
    twilio.fail(status=500, times=2)
    message = queue(order, template)  # not sent after commit here: the schedule picks it up
    outbox_send_due(now=NOON)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_try_at) == (
        State.PENDING,
        1,
        NOON + timedelta(minutes=1),
    )
    outbox_send_due(now=NOON + timedelta(seconds=59))  # not due yet
    outbox_send_due(now=NOON + timedelta(minutes=1))
    message.refresh_from_db()
    assert (message.attempts, message.next_try_at) == (2, NOON + timedelta(minutes=3))  # waited 2 min this time
    assert "Internal error" in message.last_error
    outbox_send_due(now=NOON + timedelta(minutes=3))
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (State.SENT, 3, "")
    assert len(delivered_to(twilio, "+79161112233")) == 1


def test_while_the_provider_is_down_every_message_still_arrives_exactly_once(twilio):
    template = sms_template()
    with time_machine.travel(NOON, tick=False):
        shop = ShopFactory()
        orders = [make_order(shop, phone=f"+7916555{n:04d}") for n in range(12)]
    for order in orders:
        queue(order, template)
    twilio.fail(status=503, message="Service unavailable")  # down until told otherwise
    moment = NOON
    for minute in range(0, 12):
        if minute == 7:
            twilio.recover()
        moment = NOON + timedelta(minutes=minute)
        outbox_send_due(now=moment)
    for minute in range(12, 40):
        outbox_send_due(now=NOON + timedelta(minutes=minute))
    for order in orders:
        assert len(delivered_to(twilio, order.customer.phone)) == 1
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {State.SENT}


def test_a_permanent_error_fails_at_once_and_tells_the_manager_and_the_supervisors(twilio):
    with time_machine.travel(NOON, tick=False):
        shop = ShopFactory()
        anna = free_manager(shops=[shop])
        boss = supervisor()
        from tests.factories import grant

        grant(boss, shops=[shop])
        order = make_order(shop, phone="+79161112233", manager=anna)
    twilio.fail(status=400, code=21211, message="The 'To' number is not a valid phone number.")
    message = queue(order, sms_template())
    outbox_send_due(now=NOON)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.error_code) == (State.FAILED, 1, "21211")
    told = set(
        Notification.objects.filter(text__contains="failed after 1 tries").values_list("recipient", flat=True)
    )
    assert told == {anna.pk, boss.pk}
    outbox_send_due(now=NOON + timedelta(hours=1))
    assert len(twilio.sent) == 1  # never tried again


def test_after_the_last_allowed_try_the_message_fails(twilio, order):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"max_attempts": 2})
    twilio.fail(status=500)
    message = queue(order, sms_template())
    outbox_send_due(now=NOON)
    outbox_send_due(now=NOON + timedelta(minutes=1))
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_try_at) == (State.FAILED, 2, None)
    outbox_send_due(now=NOON + timedelta(days=1))
    assert len(twilio.sent) == 2


def test_an_unsubscribed_error_switches_the_channel_off_for_the_customer(twilio, order):
    twilio.fail(status=400, code=21610, message="Attempt to send to unsubscribed recipient")
    queue(order, sms_template())
    outbox_send_due(now=NOON)
    assert OptOut.objects.filter(customer=order.customer, channel="sms").exists()
    later = queue(order, sms_template(name="Another"), now=NOON + timedelta(hours=2))
    assert later.state == State.SKIPPED and "STOP" in later.last_error


@pytest.mark.parametrize(
    ("moment", "held_until"),
    [
        (msk(2026, 11, 24, 23, 30), msk(2026, 11, 25, 9, 0)),
        (msk(2026, 11, 25, 6, 0), msk(2026, 11, 25, 9, 0)),
        (msk(2026, 11, 25, 9, 0), None),
    ],
)
def test_quiet_hours_hold_a_message_until_nine_in_the_customers_morning(twilio, order, moment, held_until):
    message = queue(order, sms_template(), now=moment)
    if held_until is None:
        assert message.state == State.PENDING
        return
    assert (message.state, message.next_try_at) == (State.HELD, held_until)
    outbox_send_due(now=held_until - timedelta(minutes=1))
    assert not twilio.sent
    outbox_send_due(now=held_until)
    message.refresh_from_db()
    assert message.state == State.SENT and len(twilio.sent) == 1


def test_quiet_hours_follow_the_customers_own_zone_not_the_shops(twilio, order):
    order.customer.timezone = "Asia/Vladivostok"  # 7 hours ahead of Moscow
    order.customer.save()
    message = queue(order, sms_template(), now=msk(2026, 11, 24, 15, 0))  # 22:00 in Vladivostok
    assert message.state == State.HELD and message.next_try_at == msk(2026, 11, 25, 2, 0)


def test_the_daily_cap_keeps_back_automatic_messages_but_not_what_a_manager_writes(twilio, order):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"daily_cap": 2})
    first = queue(order, sms_template(name="A"))
    second = queue(order, sms_template(name="B"))
    third = queue(order, sms_template(name="C"))
    assert [first.state, second.state] == [State.PENDING, State.PENDING]
    assert third.state == State.SKIPPED and "cap is 2" in third.last_error
    with time_machine.travel(NOON, tick=False):
        written = message_write(order=order, by=None, channel="sms", body="Call me back, please")
    assert written.state == State.PENDING
    next_day = queue(order, sms_template(name="D"), now=NOON + timedelta(days=1, minutes=1))
    assert next_day.state == State.PENDING


def test_stop_keeps_every_message_on_that_channel_back(twilio, order):
    OptOut.objects.create(customer=order.customer, channel="sms", reason="replied STOP")
    message = queue(order, sms_template())
    assert message.state == State.SKIPPED and "STOP" in message.last_error
    with pytest.raises(MessageRefused, match="STOP"):
        message_write(order=order, by=None, channel="sms", body="Hello?")
    order.customer.email = "anna@example.com"
    order.customer.save()
    assert queue(order, email_template()).state == State.PENDING  # other channels still work


def test_the_same_template_goes_to_an_order_at_most_once_an_hour(twilio, order):
    template = sms_template()
    assert queue(order, template).state == State.PENDING
    again = queue(order, template, now=NOON + timedelta(minutes=59))
    assert again.state == State.SKIPPED
    assert again.last_error == "The same message went to this order less than 1 h ago."
    assert queue(order, template, now=NOON + timedelta(minutes=61)).state == State.PENDING


def test_a_customer_without_the_address_gets_a_not_sent_row_saying_why(order):
    message = queue(order, email_template())
    assert message.state == State.SKIPPED and message.last_error == "The customer has no email."


def test_a_message_that_stalled_with_its_worker_goes_out_again(twilio, order):
    message = queue(order, sms_template())
    OutboundMessage.objects.filter(pk=message.pk).update(state=State.SENDING, claimed_at=NOON, attempts=1)
    outbox_send_due(now=NOON + timedelta(minutes=9))
    assert not twilio.sent
    outbox_send_due(now=NOON + timedelta(minutes=10))
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2


def test_a_template_that_cannot_render_for_this_order_is_kept_as_not_sent_and_the_order_goes_on(twilio, order):
    broken = MessageTemplate.objects.create(name="Broken", channel="sms", body="{{ order.no_such_thing }}")
    message = queue(order, broken)  # saved past the admin's check, e.g. from the shell
    assert message.state == State.SKIPPED and "{{ order.no_such_thing }}" in message.last_error
    outbox_send_due(now=NOON)
    assert not twilio.sent
