"""A customer for anyone, and conversations as customers start them: a number the desk does not know becomes a
customer of the shop whose number it wrote to (shown as "unknown", found by the customer page, the search by phone
and the history) with a conversation routed like an order; a known customer with nothing open writes into their
conversation; the off-hours reply goes at most once in `auto_reply_gap`, orders included."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import (
    InboundMessage,
    MessageTemplate,
    MessagingSettings,
    Notification,
    OffHoursReply,
    OutboundMessage,
)
from notifications.services import inbound_receive
from orders.models import Conversation, ConversationEvent, Customer, CustomerEvent, ShopAddress
from orders.services import conversation_join, customer_for_contact, order_change_status
from tests.factories import ShopFactory, free_manager, grant, make_order, manager, msk, supervisor
from tests.notifications.test_webhooks import inbound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]
NOON = msk(2026, 11, 24, 12, 0)
NIGHT = msk(2026, 11, 24, 23, 0)
STRANGER = "+79990001122"


@pytest.fixture
def two_shops():
    """Two day shops; the second one's SMS number is the one the customer writes to."""
    first, second = ShopFactory(name="Teapots"), ShopFactory(name="Cups")
    ShopAddress.objects.create(shop=second, channel="sms", address="+15005550006")
    return first, second


def test_a_new_number_becomes_a_customer_of_the_shop_it_wrote_to_with_a_conversation_routed_to_a_free_manager(
    client, two_shops
):
    first, second = two_shops
    free_manager(shops=[first])  # free, but not granted the shop written to
    anna = free_manager(shops=[second], first_name="Anna")
    with time_machine.travel(NOON, tick=False):
        assert inbound(client, from_=STRANGER, body="Do you have blue cups?").status_code == 200
    customer = Customer.objects.get()
    assert (customer.shop, customer.phone, customer.name, str(customer)) == (second, STRANGER, "", "unknown")
    conversation = Conversation.objects.get()
    message = InboundMessage.objects.get()
    assert (message.customer, message.conversation, message.order) == (customer, conversation, None)
    assert (conversation.shop, conversation.state, conversation.unread) == (second, "open", True)
    assert conversation.manager == anna
    assert conversation.first_reply_due_at == NOON + timedelta(minutes=5)
    assert ConversationEvent.objects.filter(conversation=conversation).exists()
    assert CustomerEvent.objects.filter(customer=customer).exists()


def test_a_number_no_shop_claims_goes_to_the_only_shop_else_to_the_shop_the_setting_names(settings):
    only = ShopFactory()
    inbound_receive(message_sid="SM1", from_address=STRANGER, to_address="+19999999999", body="hi")
    assert Customer.objects.get(phone=STRANGER).shop == only
    named = ShopFactory()
    settings.INBOUND_DEFAULT_SHOP = named.code
    inbound_receive(message_sid="SM2", from_address="+79990003344", to_address="+19999999999", body="hi")
    assert Customer.objects.get(phone="+79990003344").shop == named


def test_the_unknown_customer_is_found_by_the_customer_page_the_search_by_phone_and_the_history(
    client, two_shops, speaking
):
    _, second = two_shops
    boss = supervisor()
    grant(boss, shops=[second])
    inbound(client, from_=STRANGER)
    customer = Customer.objects.get()
    client.force_login(boss)
    page = client.get(f"/orders/customers/{customer.pk}/").content.decode()
    assert "unknown" in page and STRANGER in page
    assert "Customer record created" in page
    found = client.get("/orders/new/customer/", {"shop": second.pk, "phone": STRANGER}).content.decode()
    assert f"/orders/customers/{customer.pk}/" in found
    with speaking("ru"):
        assert "Неизвестный" in client.get(f"/orders/customers/{customer.pk}/").content.decode()


def test_a_known_customer_with_nothing_open_writes_into_their_conversation_and_its_manager_hears(
    client, two_shops
):
    _, second = two_shops
    anna = free_manager(shops=[second], first_name="Anna")
    with time_machine.travel(NOON, tick=False):
        order = make_order(second, phone="+79161112233", customer_name="Olga", manager=anna)
        order_change_status(order=order, target="cancelled", by=anna, reason="changed her mind")
        inbound(client, body="One more question", sid="SMa")
        inbound(client, body="Are you there?", sid="SMb")
    conversation = Conversation.objects.get()
    assert conversation.customer == order.customer and conversation.manager == anna
    assert list(conversation.messages_in.order_by("pk").values_list("body", flat=True)) == [
        "One more question",
        "Are you there?",
    ]
    assert not InboundMessage.objects.filter(order__isnull=False).exists()
    bell = Notification.objects.get(recipient=anna, kind=Notification.Kind.REPLY)
    assert (bell.text, bell.link) == ("Olga wrote: Are you there?", f"/conversations/{conversation.pk}/")


def test_a_message_in_an_unassigned_conversation_rings_the_shops_supervisors(two_shops):
    _, second = two_shops
    boss = supervisor()
    grant(boss, shops=[second])
    customer, _ = customer_for_contact(shop=second, phone=STRANGER)
    conversation_join(customer=customer, shop=second)  # waiting in the queue: nobody has it
    inbound_receive(message_sid="SMq", from_address=STRANGER, to_address="+15005550006", body="Hello?")
    assert Notification.objects.get(kind=Notification.Kind.REPLY).recipient == boss
    assert Conversation.objects.get().unread


def test_a_known_customer_with_an_open_order_still_writes_on_the_order(client, two_shops):
    _, second = two_shops
    anna = free_manager(shops=[second])
    with time_machine.travel(NOON, tick=False):
        order = make_order(second, phone="+79161112233", manager=anna)
    inbound(client)
    assert InboundMessage.objects.get().order == order
    assert not Conversation.objects.exists()


def test_customer_for_contact_finds_by_email_in_any_case_and_creates_once(two_shops):
    first, _ = two_shops
    created, new = customer_for_contact(shop=first, email="Olga@Example.com")
    found, again = customer_for_contact(shop=first, email="olga@example.COM")
    assert (new, again, found) == (True, False, created)
    assert created.email == "olga@example.com" and created.phone == ""


@pytest.fixture
def off_hours(two_shops):
    """The second shop (09:00–21:00 Moscow) answers by SMS while it is closed."""
    _, second = two_shops
    template = MessageTemplate.objects.create(name="Closed", channel="sms", body="We open at {{ opens_at }}.")
    OffHoursReply.objects.create(shop=second, template=template)
    return second


def replies():
    return OutboundMessage.objects.filter(purpose=OutboundMessage.Purpose.OFF_HOURS).exclude(state="skipped")


def test_a_conversation_started_at_night_gets_the_off_hours_reply_once_in_the_gap(client, off_hours, twilio):
    with time_machine.travel(NIGHT, tick=False):
        inbound(client, from_=STRANGER, sid="SM1")
    conversation = Conversation.objects.get()
    reply = replies().get()
    assert (reply.customer, reply.conversation, reply.to) == (conversation.customer, conversation, STRANGER)
    assert conversation.manager is None  # nobody is free at night: it waits for the morning's queue
    # Closed by staff and written again two hours later: a new conversation, but no second reply.
    Conversation.objects.filter(pk=conversation.pk).update(state="closed", closed_at=timezone.now())
    with time_machine.travel(NIGHT + timedelta(hours=2), tick=False):
        inbound(client, from_=STRANGER, sid="SM2")
    assert Conversation.objects.count() == 2 and replies().count() == 1
    # The next night, past the gap: the reply again.
    Conversation.objects.update(state="closed", closed_at=timezone.now())
    with time_machine.travel(NIGHT + timedelta(hours=24), tick=False):
        inbound(client, from_=STRANGER, sid="SM3")
    assert replies().count() == 2


def test_an_order_answered_at_night_is_not_answered_again_when_the_customer_writes(client, off_hours, twilio):
    with time_machine.travel(NIGHT, tick=False):
        make_order(off_hours, phone=STRANGER)
    assert replies().count() == 1
    # Past the hour in which the same template may not go to an order twice: the gap is what holds it back.
    with time_machine.travel(NIGHT + timedelta(hours=2), tick=False):
        inbound(client, from_=STRANGER, sid="SM9", body="Did you get my order?")
    assert replies().count() == 1


def test_the_gap_is_a_setting(client, off_hours, twilio):
    settings = MessagingSettings.load()
    settings.auto_reply_gap = timedelta(hours=1)
    settings.save()
    with time_machine.travel(NIGHT, tick=False):
        inbound(client, from_=STRANGER, sid="SM1")
    Conversation.objects.update(state="closed", closed_at=timezone.now())
    with time_machine.travel(NIGHT + timedelta(hours=2), tick=False):
        inbound(client, from_=STRANGER, sid="SM2")
    assert replies().count() == 2


def test_in_working_hours_nobody_is_auto_replied(client, off_hours):
    manager()  # not on duty: the conversation waits, but the shop is open
    with time_machine.travel(NOON, tick=False):
        inbound(client, from_=STRANGER)
    assert not replies().exists()
