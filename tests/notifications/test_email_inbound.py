"""Customers' emails coming in: through providers' inbound webhooks (Mailgun: signed; Postmark: basic auth; built
as django-anymail's own tests build them; forged → 400 and nothing stored) and through the IMAP poller against a
local IMAP server; kept once per Message-ID; a reply to an order's email joins the order (by the signed Reply-To
token, by In-Reply-To), anything else the sender's conversation; attachments kept, refused over the limit, and
opened only by staff who may see them."""

import base64
import hashlib
import hmac
import json
from email.message import EmailMessage

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.imap import imap_poll
from notifications.models import InboundAttachment, InboundMessage, Notification, OutboundMessage
from notifications.replies import reply_address
from notifications.services import email_receive, message_queue, outbox_send_due
from orders.models import Conversation, Customer, ShopAddress
from orders.services import customer_anonymise
from tests.factories import ShopFactory, UserFactory, free_manager, grant, inspector, make_order, msk, supervisor
from tests.imap_server import ImapServer, Mailbox
from tests.notifications.conftest import email_template

pytestmark = pytest.mark.django_db
NOON = msk(2026, 11, 24, 12, 0)
MAILGUN = "/webhooks/email/mailgun/inbound/"
POSTMARK = "/webhooks/email/postmark/inbound/"
BASIC_AUTH = {"Authorization": "Basic " + base64.b64encode(b"anymail:test-secret").decode()}
SIGNING_KEY = b"test-mailgun-signing-key"  # config/test_settings.py


@pytest.fixture
def shop():
    shop = ShopFactory(always_open=True, name="Teapots")
    ShopAddress.objects.create(shop=shop, channel="email", address="hello@teapots.example")
    ShopFactory(name="Cups")  # another shop: the address decides
    return shop


@pytest.fixture
def anna(shop):
    return free_manager(shops=[shop], first_name="Anna")


def mailgun_post(client, *, headers, text, files=(), key=SIGNING_KEY, timestamp="1764000000", token="abc123"):
    """Mailgun's "fully parsed" inbound forward, as anymail's tests build it, signed with the signing key."""
    signature = hmac.new(key, msg=f"{timestamp}{token}".encode(), digestmod=hashlib.sha256).hexdigest()
    data = {
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
        "recipient": dict(headers).get("To", ""),
        "sender": dict(headers).get("From", ""),
        "message-headers": json.dumps(headers),
        "body-plain": text,
        "attachment-count": str(len(files)),
    }
    data.update({f"attachment-{n}": file for n, file in enumerate(files, start=1)})
    return client.post(MAILGUN, data, headers=BASIC_AUTH)


def postmark_post(client, *, message_id, sender, to, subject, text, attachments=(), auth=BASIC_AUTH):
    """Postmark's inbound JSON, as anymail's tests build it, with the desk's basic auth secret."""
    payload = {
        "FromFull": {"Email": sender, "Name": "Olga"},
        "ToFull": [{"Email": to, "Name": ""}],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "Headers": [{"Name": "Message-ID", "Value": message_id}],
        "TextBody": text,
        "Attachments": [
            {
                "Name": name,
                "Content": base64.b64encode(data).decode(),
                "ContentType": kind,
                "ContentLength": len(data),
            }
            for name, data, kind in attachments
        ],
    }
    return client.post(POSTMARK, json.dumps(payload), content_type="application/json", headers=auth)


def test_a_signed_mailgun_email_from_a_new_address_is_a_customer_and_a_conversation_with_its_attachment(
    client, shop, anna
):
    headers = [
        ["From", "Olga <Olga@Example.com>"],
        ["To", "hello@teapots.example"],
        ["Subject", "Broken lid"],
        ["Message-Id", "<photo-1@mail.example.com>"],
    ]
    photo = SimpleUploadedFile("lid.jpg", b"\xff\xd8jpeg-bytes", content_type="image/jpeg")
    with time_machine.travel(NOON, tick=False):
        response = mailgun_post(client, headers=headers, text="The lid came broken.", files=[photo])
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    customer = Customer.objects.get()
    assert (customer.shop, customer.email, customer.phone, customer.name) == (shop, "olga@example.com", "", "")
    assert (message.channel, message.subject, message.body, message.customer) == (
        "email",
        "Broken lid",
        "The lid came broken.",
        customer,
    )
    assert message.conversation == Conversation.objects.get(customer=customer)
    attachment = InboundAttachment.objects.get()
    assert (attachment.name, attachment.size, message.media_count) == ("lid.jpg", 12, 1)
    assert attachment.file.read() == b"\xff\xd8jpeg-bytes"


@pytest.mark.parametrize("forgery", ["signature", "no basic auth"])
def test_a_forged_mailgun_post_is_refused_and_nothing_is_stored(client, shop, forgery):
    headers = [["From", "x@example.com"], ["To", "hello@teapots.example"], ["Message-Id", "<f@x>"]]
    if forgery == "signature":
        response = mailgun_post(client, headers=headers, text="hi", key=b"not-the-key")
    else:
        response = client.post(MAILGUN, {"timestamp": "1", "token": "t", "signature": "s", "body-plain": "hi"})
    assert response.status_code == 400
    assert not InboundMessage.objects.exists() and not Customer.objects.exists()


def test_a_postmark_email_with_the_secret_is_kept_once_however_often_it_is_posted(client, shop, anna):
    for _ in range(2):
        response = postmark_post(
            client,
            message_id="<once@mail.example.com>",
            sender="olga@example.com",
            to="hello@teapots.example",
            subject="Question",
            text="Do you ship to Kazan?",
        )
        assert response.status_code == 200
    assert InboundMessage.objects.get().body == "Do you ship to Kazan?"
    assert Conversation.objects.count() == 1


def test_a_postmark_post_without_the_secret_is_refused_and_nothing_is_stored(client, shop):
    wrong = {"Authorization": "Basic " + base64.b64encode(b"anymail:guess").decode()}
    response = postmark_post(
        client,
        message_id="<x@y>",
        sender="a@b.example",
        to="hello@teapots.example",
        subject="",
        text="hi",
        auth=wrong,
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


@pytest.fixture
def order_email(shop, anna):
    """An email about Olga's order went out: its Reply-To and Message-ID as her mail program sees them."""
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, phone="+79161112233", customer_name="Olga", manager=anna)
        order.customer.email = "olga@example.com"
        order.customer.save()
        message_queue(
            customer=order.customer, order=order, channel="email", purpose="trigger", template=email_template()
        )
        outbox_send_due()
    return order, mail.outbox[-1]


def reply(
    *, to, in_reply_to="", message_id="<reply-1@mail.example.com>", sender="olga@example.com", body="Thanks!"
):
    letter = EmailMessage()
    letter["From"], letter["To"], letter["Subject"], letter["Message-ID"] = sender, to, "Re: shipped", message_id
    if in_reply_to:
        letter["In-Reply-To"] = in_reply_to
    letter.set_content(body)
    return letter


def test_an_order_email_carries_a_signed_reply_to_and_a_kept_message_id(order_email):
    order, sent = order_email
    assert sent.reply_to == [reply_address(order.pk)]
    assert sent.reply_to[0].startswith(f"reply+{order.pk}.") and sent.reply_to[0].endswith("@reply.orderdesk.test")
    assert sent.extra_headers["Message-ID"] == OutboundMessage.objects.get().message_id != ""


def test_a_reply_to_the_tokened_address_joins_the_order_and_tells_its_manager(client, order_email, anna):
    order, sent = order_email
    with time_machine.travel(NOON, tick=False):
        # Some mail systems lower-case the address: the token still holds.
        email_receive(letter=reply(to=sent.reply_to[0].lower(), sender="someone.else@example.com"))
    message = InboundMessage.objects.get()
    assert (message.order, message.customer, message.conversation) == (order, order.customer, None)
    bell = Notification.objects.get(recipient=anna, kind=Notification.Kind.REPLY)
    assert bell.text == f"Olga wrote about order {order.number}: Thanks!"


def test_a_reply_naming_the_sent_message_id_joins_the_order(order_email):
    order, sent = order_email
    email_receive(letter=reply(to="hello@teapots.example", in_reply_to=sent.extra_headers["Message-ID"]))
    assert InboundMessage.objects.get().order == order


def test_a_forged_reply_token_is_not_trusted(order_email):
    order, _ = order_email
    forged = f"reply+{order.pk}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA@reply.orderdesk.test"
    letter = reply(to=forged, sender="stranger@example.com")
    letter["Cc"] = "hello@teapots.example"
    email_receive(letter=letter)
    message = InboundMessage.objects.get()
    assert message.order is None and message.customer.email == "stranger@example.com"
    assert message.conversation is not None


def test_an_attachment_over_the_limit_is_not_kept_and_the_message_says_so(client, shop, anna, settings):
    settings.INBOUND_ATTACHMENT_MAX_BYTES = 10
    postmark_post(
        client,
        message_id="<big@mail.example.com>",
        sender="olga@example.com",
        to="hello@teapots.example",
        subject="Photos",
        text="See attached",
        attachments=[("small.txt", b"tiny", "text/plain"), ("big.pdf", b"x" * 11, "application/pdf")],
    )
    small, big = InboundAttachment.objects.order_by("pk")
    assert (small.is_kept, big.is_kept, big.size, big.name) == (True, False, 11, "big.pdf")
    boss = supervisor()
    client.force_login(boss)
    page = client.get(f"/orders/customers/{Customer.objects.get().pk}/").content.decode()
    assert f"/notifications/attachments/{small.pk}/" in page
    assert "not kept, over the size limit" in page and f"/notifications/attachments/{big.pk}/" not in page


@pytest.fixture
def order_attachment(order_email, anna):
    order, sent = order_email
    letter = reply(to=sent.reply_to[0])
    letter.add_attachment(b"%PDF-invoice", maintype="application", subtype="pdf", filename="invoice.pdf")
    email_receive(letter=letter)
    return order, InboundAttachment.objects.get()


def role_user(who, shop, other_shop):
    if who == "its manager":
        return None  # anna, from the fixture
    if who == "manager of another shop":
        return free_manager(shops=[other_shop])
    if who == "supervisor of the shop":
        user = supervisor()
        grant(user, shops=[shop])
        return user
    if who == "supervisor of another shop":
        user = supervisor()
        grant(user, shops=[other_shop])
        return user
    if who == "inspector":
        return inspector()
    if who == "admin":
        return UserFactory(is_staff=True, is_superuser=True)
    raise AssertionError(who)


@pytest.mark.parametrize(
    ("who", "opens"),
    [
        ("its manager", True),
        ("manager of another shop", False),
        ("supervisor of the shop", True),
        ("supervisor of another shop", False),
        ("inspector", True),
        ("admin", True),
    ],
)
def test_an_attachment_opens_only_for_staff_who_may_see_its_order(client, order_attachment, anna, who, opens):
    order, attachment = order_attachment
    user = role_user(who, order.shop, ShopFactory()) or anna
    client.force_login(user)
    response = client.get(f"/notifications/attachments/{attachment.pk}/")
    if opens:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-invoice"
        assert response["Content-Disposition"].startswith("attachment;")
    else:
        assert response.status_code == 404


def test_an_attachment_needs_a_signed_in_person_and_a_get_changes_nothing(client, order_attachment):
    _, attachment = order_attachment
    response = client.get(f"/notifications/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def letter_bytes(message_id, body="Hello from the mailbox", to="hello@teapots.example"):
    letter = reply(to=to, message_id=message_id, sender="olga@example.com", body=body)
    return letter.as_bytes()


@pytest.fixture
def imap(settings):
    with ImapServer(Mailbox()) as server:
        settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", server.port, False
        settings.IMAP_USER, settings.IMAP_PASSWORD, settings.IMAP_FOLDER = "desk@shop.example", "secret", "INBOX"
        yield server.mailbox


def test_the_imap_poller_stores_unread_letters_once_and_marks_them_read(shop, anna, imap):
    imap.add(letter_bytes("<imap-1@mail.example.com>"))
    imap.add(letter_bytes("<imap-2@mail.example.com>", body="And another"))
    assert imap_poll() == 2
    assert all(letter.seen for letter in imap.letters)
    # The same letter again, unread (another client marked it unread; the mailbox was restored): kept once.
    imap.letters[0].seen = False
    assert imap_poll() == 0
    assert InboundMessage.objects.count() == 2 and imap.letters[0].seen
    assert Conversation.objects.get().customer.email == "olga@example.com"


def test_a_letter_the_desk_could_not_store_stays_unread_for_the_next_run(shop, anna, imap, monkeypatch):
    imap.add(letter_bytes("<imap-3@mail.example.com>"))

    def fails(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("notifications.imap.email_receive", fails)
    assert imap_poll() == 0
    assert not imap.letters[0].seen and not InboundMessage.objects.exists()
    monkeypatch.undo()
    assert imap_poll() == 1 and imap.letters[0].seen


def test_without_imap_host_nothing_is_read(settings):
    settings.IMAP_HOST = ""
    assert imap_poll() == 0


def test_a_conversations_attachment_opens_for_its_manager_not_for_a_manager_of_another_shop(client, shop, anna):
    postmark_post(
        client,
        message_id="<conv@mail.example.com>",
        sender="olga@example.com",
        to="hello@teapots.example",
        subject="Photo",
        text="See attached",
        attachments=[("lid.jpg", b"jpeg", "image/jpeg")],
    )
    attachment = InboundAttachment.objects.get()
    assert attachment.inbound.conversation.manager == anna
    client.force_login(free_manager(shops=[ShopFactory()]))
    assert client.get(f"/notifications/attachments/{attachment.pk}/").status_code == 404
    client.force_login(anna)
    assert client.get(f"/notifications/attachments/{attachment.pk}/").status_code == 200


def test_anonymising_the_customer_deletes_their_attachments_files_and_all(
    order_attachment, django_capture_on_commit_callbacks
):
    order, attachment = order_attachment
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        customer_anonymise(customer=order.customer, by=None)
    assert not InboundAttachment.objects.exists() and not storage.exists(name)
    assert InboundMessage.objects.get().subject == ""
