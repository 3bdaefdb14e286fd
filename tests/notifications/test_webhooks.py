"""Twilio's webhooks: signatures (forged, moved, missing → 403), status callbacks in every order (only ever
forward), inbound messages (once per MessageSid, matched to the customer's latest open order, the bell, STOP and
START), and bad input that never gets a 5xx."""

import pytest
import time_machine
from twilio.request_validator import RequestValidator

from notifications import signals
from notifications.models import InboundMessage, Notification, OptOut, OutboundMessage
from notifications.services import message_queue, outbox_send_due
from orders.services import order_change_status
from tests.factories import ShopFactory, grant, make_order, msk, supervisor
from tests.notifications.conftest import AUTH_TOKEN, sms_template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]
SITE = "https://desk.example.com"
STATUS = "/webhooks/twilio/status/"
INBOUND = "/webhooks/twilio/inbound/"
NOON = msk(2026, 11, 24, 12, 0)
State = OutboundMessage.State


def post(client, path, params, *, signed_for=None, token=AUTH_TOKEN):
    url = signed_for if signed_for is not None else SITE + path
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def sent(twilio, order):
    """A message Twilio accepted."""
    message_queue(
        customer=order.customer, order=order, channel="sms", purpose="trigger", template=sms_template(), now=NOON
    )
    outbox_send_due(now=NOON)
    return OutboundMessage.objects.get()


def test_a_signed_callback_is_answered_with_empty_twiml(client, sent):
    response = post(client, STATUS, {"MessageSid": sent.provider_id, "MessageStatus": "delivered"})
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    assert response.content.decode().endswith("<Response/>")


@pytest.mark.parametrize(
    "how",
    ["forged", "missing", "other url", "other token", "body changed"],
)
def test_a_request_not_signed_by_twilio_for_this_address_is_refused(client, sent, how):
    params = {"MessageSid": sent.provider_id, "MessageStatus": "delivered"}
    if how == "forged":
        response = client.post(STATUS, params, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    elif how == "missing":
        response = client.post(STATUS, params)
    elif how == "other url":  # signed for another desk, or for the other webhook
        response = post(client, STATUS, params, signed_for=SITE + INBOUND)
    elif how == "other token":
        response = post(client, STATUS, params, token="someone-elses-token")
    else:
        signature = RequestValidator(AUTH_TOKEN).compute_signature(SITE + STATUS, params)
        response = client.post(
            STATUS, {**params, "MessageStatus": "read"}, headers={"X-Twilio-Signature": signature}
        )
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.state == State.SENT


def test_behind_a_proxy_the_public_address_is_what_counts(client, sent, settings):
    # The request reaches Django as http://testserver/..., Twilio signed https://desk.example.com/...
    response = post(client, STATUS, {"MessageSid": sent.provider_id, "MessageStatus": "delivered"})
    assert response.status_code == 200
    response = post(
        client,
        STATUS,
        {"MessageSid": sent.provider_id, "MessageStatus": "read"},
        signed_for="http://testserver" + STATUS,
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("steps", "final"),
    [
        (["queued", "sent", "delivered", "read"], State.READ),
        (["delivered", "sent"], State.DELIVERED),  # a late "sent" does not undo "delivered"
        (["read", "delivered", "sent"], State.READ),
        (["sent", "undelivered"], State.FAILED),
        (["delivered", "failed"], State.DELIVERED),
        (["delivered", "delivered"], State.DELIVERED),
        (["sending", "queued"], State.SENT),
    ],
)
def test_status_callbacks_only_ever_move_a_message_forward(client, sent, steps, final):
    for step in steps:
        assert post(client, STATUS, {"MessageSid": sent.provider_id, "MessageStatus": step}).status_code == 200
    sent.refresh_from_db()
    assert sent.state == final


def test_an_undelivered_message_keeps_twilios_error_and_tells_feedback(client, sent):
    heard = []

    def listen(sender, message, previous, **kwargs):
        heard.append((message.state, previous))

    signals.message_delivery_changed.connect(listen, dispatch_uid="test.listen")
    try:
        post(
            client, STATUS, {"MessageSid": sent.provider_id, "MessageStatus": "undelivered", "ErrorCode": "63003"}
        )
    finally:
        signals.message_delivery_changed.disconnect(dispatch_uid="test.listen")
    sent.refresh_from_db()
    assert (sent.state, sent.error_code) == (State.FAILED, "63003") and "63003" in sent.last_error
    assert heard == [(State.FAILED, State.SENT)]


def test_a_callback_about_a_message_the_desk_never_sent_changes_nothing(client, sent):
    assert post(client, STATUS, {"MessageSid": "SMunknown", "MessageStatus": "delivered"}).status_code == 200
    sent.refresh_from_db()
    assert sent.state == State.SENT


def inbound(client, body="Is my order ready?", sid="SMin0001", from_="+79161112233", **extra):
    return post(client, INBOUND, {"MessageSid": sid, "From": from_, "To": "+15005550006", "Body": body, **extra})


def test_a_customers_message_joins_their_latest_open_order_and_rings_the_managers_bell(client, shop, order, anna):
    with time_machine.travel(NOON, tick=False):
        closed = make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna)
    for code in ("cancelled",):
        order_change_status(order=closed, target=code, by=anna, reason="duplicate")
    assert inbound(client).status_code == 200
    message = InboundMessage.objects.get()
    assert (message.customer, message.order, message.channel) == (order.customer, order, "sms")
    bell = Notification.objects.get(recipient=anna, kind=Notification.Kind.REPLY)
    assert "Olga" in bell.text and "Is my order ready?" in bell.text and bell.link == f"/orders/{order.pk}/"


def test_twilio_retrying_the_same_message_keeps_it_once(client, order):
    for _ in range(3):
        assert inbound(client).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.REPLY).count() == 1


def test_a_whatsapp_message_is_matched_by_the_number_behind_the_prefix(client, order):
    inbound(client, from_="whatsapp:+79161112233", sid="SMwa")
    assert InboundMessage.objects.get().channel == "whatsapp" and InboundMessage.objects.get().order == order


def test_with_no_manager_the_shops_supervisors_hear_of_the_message(client, shop):
    boss = supervisor()
    grant(boss, shops=[shop])
    with time_machine.travel(NOON, tick=False):
        make_order(shop, phone="+79164445566")  # nobody free: it waits in the queue
    inbound(client, from_="+79164445566")
    assert Notification.objects.get(kind=Notification.Kind.REPLY).recipient == boss


def test_a_message_from_an_unknown_number_no_shop_claims_is_kept_and_bothers_nobody(client, order):
    ShopFactory()  # two shops, neither claims the number written to, and no INBOUND_DEFAULT_SHOP
    assert inbound(client, from_="+79990001122").status_code == 200
    assert InboundMessage.objects.get().customer is None
    assert not Notification.objects.filter(kind=Notification.Kind.REPLY).exists()


@pytest.mark.parametrize("word", ["STOP", "stop", "Stop.", "СТОП"])
def test_stop_switches_the_channel_off_and_start_back_on(client, order, word):
    inbound(client, body=word)
    assert OptOut.objects.filter(customer=order.customer, channel="sms").exists()
    inbound(client, body="START", sid="SMin0002")
    assert not OptOut.objects.exists()


def test_a_customers_message_is_announced_once_saying_whether_it_was_stop_or_start(client, order):
    heard = []

    def listen(sender, inbound, switched, **kwargs):
        heard.append((inbound.body, switched))

    signals.customer_replied.connect(listen, dispatch_uid="test.listen")
    try:
        inbound(client, body="STOP")
        inbound(client, body="STOP")  # Twilio's retry of the same message
        inbound(client, body="Where is it?", sid="SMin0002")
    finally:
        signals.customer_replied.disconnect(dispatch_uid="test.listen")
    assert heard == [("STOP", True), ("Where is it?", False)]
    assert list(Notification.objects.filter(kind="reply").values_list("text", flat=True)) == [
        f"Olga wrote about order {order.number}: Where is it?"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"MessageSid": "SMx"},
        {"MessageSid": "SMx", "From": "not a phone", "Body": "hi"},
        {"MessageSid": "SMy", "From": "+7916", "NumMedia": "99999999"},
        {"MessageSid": "SM" + "z" * 300, "From": "+79161112233", "Body": "x" * 10000},
    ],
)
def test_bad_input_gets_an_empty_answer_never_a_5xx(client, order, params):
    assert post(client, INBOUND, params).status_code == 200
    assert post(client, STATUS, params).status_code == 200


def test_only_post_is_accepted(client):
    assert client.get(INBOUND).status_code == 405
