"""The inbox's pages: "My conversations" (unread first, the first-reply clock, constant queries), the supervisor's
view with its filters, the conversation page and its actions (reply through the outbox, mark read by POST only,
close with a reason, an order made from it), each held to the scope."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import InboundMessage, OutboundMessage
from notifications.services import inbound_receive
from orders.models import Conversation, Order
from tests.factories import ShopFactory, UserFactory, free_manager, grant, inspector, supervisor
from tests.inbox.conftest import make_conversation

pytestmark = pytest.mark.django_db
INBOX = reverse("inbox:list")


def signed_in(client, user):
    client.force_login(user)
    return client


def page(conversation):
    return reverse("inbox:detail", args=[conversation.pk])


def test_my_conversations_are_mine_and_open_unread_first_then_by_latest_message(client, shop, anna):
    now = timezone.now()
    read_newest = make_conversation(shop, manager=anna, body="Newest, already read", at=now)
    Conversation.objects.filter(pk=read_newest.pk).update(unread=False)
    unread_old = make_conversation(shop, manager=anna, body="Old but unread", at=now - timedelta(hours=2))
    unread_new = make_conversation(
        shop, manager=anna, name="Boris", body="New and unread", at=now - timedelta(hours=1)
    )
    make_conversation(shop, manager=free_manager(shops=[shop]), body="A colleague's")
    closed = make_conversation(shop, manager=anna, body="Closed one")
    Conversation.objects.filter(pk=closed.pk).update(state="closed", closed_at=now)

    response = signed_in(client, anna).get(INBOX)

    assert [row.pk for row, _ in response.context["rows"]] == [unread_new.pk, unread_old.pk, read_newest.pk]
    html = response.content.decode()
    assert "New and unread" in html and "Boris" in html and "unknown" in html and shop.name in html
    assert "A colleague's" not in html and "Closed one" not in html
    assert 'data-testid="inbox-link"' in html and "My conversations" in html


def test_a_row_shows_the_latest_message_either_way_and_the_overdue_first_reply(client, shop, anna):
    late = make_conversation(shop, manager=anna, body="Anyone there?", due_in=timedelta(minutes=-3))
    answered = make_conversation(shop, manager=anna, body="Question")
    OutboundMessage.objects.create(
        customer=answered.customer,
        conversation=answered,
        channel="sms",
        to="x",
        body="Our answer",
        purpose="manual",
    )
    rows = dict(signed_in(client, anna).get(INBOX).context["rows"])
    by_pk = {row.pk: (row, latest) for row, latest in rows.items()}
    assert by_pk[late.pk][0].is_reply_overdue and by_pk[late.pk][1].text == "Anyone there?"
    assert not by_pk[answered.pk][0].is_reply_overdue
    assert by_pk[answered.pk][1].text == "Our answer" and not by_pk[answered.pk][1].inbound


@pytest.mark.parametrize("rows", [3, 30])
def test_my_conversations_cost_the_same_queries_however_many(client, shop, anna, django_assert_num_queries, rows):
    for n in range(rows):
        conversation = make_conversation(shop, manager=anna, body=f"Message {n}")
        OutboundMessage.objects.create(
            customer=conversation.customer,
            conversation=conversation,
            channel="sms",
            to="x",
            body="Hi",
            purpose="manual",
        )
    signed_in(client, anna)
    client.get(INBOX)  # the session and the person's grant warmed up as any page does
    with django_assert_num_queries(9):
        response = client.get(INBOX)
    assert len(response.context["rows"]) == rows


def test_a_supervisor_sees_the_shops_open_conversations_by_manager_and_overdue(client, shop, anna):
    boris = free_manager(shops=[shop], username="boris")
    other_shop = ShopFactory()
    annas = make_conversation(shop, manager=anna, body="Anna's")
    late = make_conversation(shop, manager=boris, body="Boris's late", due_in=timedelta(minutes=-1))
    queued = make_conversation(shop, body="Nobody's yet")
    make_conversation(other_shop, body="Another shop's")
    boss = supervisor()
    grant(boss, shops=[shop])
    signed_in(client, boss)

    everyone = [row.pk for row, _ in client.get(INBOX).context["rows"]]
    assert sorted(everyone) == sorted([annas.pk, late.pk, queued.pk])
    assert [row.pk for row, _ in client.get(INBOX, {"manager": anna.pk}).context["rows"]] == [annas.pk]
    assert [row.pk for row, _ in client.get(INBOX, {"overdue": "on"}).context["rows"]] == [late.pk]
    assert "in the queue" in client.get(INBOX).content.decode()


def test_the_page_shows_customer_thread_oldest_first_and_history_and_a_get_records_nothing(client, shop, anna):
    conversation = make_conversation(shop, manager=anna, body="First question")
    InboundMessage.objects.create(
        message_sid="SMsecond",
        channel="whatsapp",
        from_address="x",
        body="Second question",
        customer=conversation.customer,
        conversation=conversation,
    )
    response = signed_in(client, anna).get(page(conversation))
    html = response.content.decode()
    assert html.index("First question") < html.index("Second question")
    assert reverse("orders:customer", args=[conversation.customer_id]) in html
    assert f"{reverse('orders:new')}?conversation={conversation.pk}" in html
    assert 'data-testid="mark-read"' in html
    conversation.refresh_from_db()
    assert conversation.unread  # opening is a GET: it records nothing; the page posts "read"


def test_its_manager_marks_it_read_by_post_a_supervisor_cannot(client, shop, anna):
    conversation = make_conversation(shop, manager=anna)
    boss = supervisor()
    assert signed_in(client, boss).post(reverse("inbox:read", args=[conversation.pk])).status_code == 403
    response = signed_in(client, anna).post(
        reverse("inbox:read", args=[conversation.pk]), headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    conversation.refresh_from_db()
    assert not conversation.unread


def test_a_reply_goes_through_the_outbox_on_the_conversation_and_stops_the_clock(client, shop, anna):
    conversation = make_conversation(shop, manager=anna)
    response = signed_in(client, anna).post(
        reverse("inbox:reply", args=[conversation.pk]), {"channel": "whatsapp", "body": "Yes, we deliver to Tver."}
    )
    assert response.status_code == 302 and "channel=whatsapp" in response["Location"]
    sent = OutboundMessage.objects.get()
    assert (sent.conversation, sent.customer, sent.order, sent.author) == (
        conversation,
        conversation.customer,
        None,
        anna,
    )
    conversation.refresh_from_db()
    assert conversation.first_replied_at is not None and conversation.state == "waiting"
    html = client.get(page(conversation)).content.decode()
    assert "Yes, we deliver to Tver." in html and "First reply to the customer." in html


def test_whatsapp_free_text_after_24_hours_is_refused_as_on_the_order_page_and_kept_as_typed(client, shop, anna):
    conversation = make_conversation(shop, manager=anna)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = signed_in(client, anna).post(
            reverse("inbox:reply", args=[conversation.pk]), {"channel": "whatsapp", "body": "Still there?"}
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "only within 24 hours" in html and "Still there?" in html
    assert not OutboundMessage.objects.exists()
    conversation.refresh_from_db()
    assert conversation.first_replied_at is None


def test_closing_needs_a_reason_and_leaves_a_history_line_with_who(client, shop, anna):
    conversation = make_conversation(shop, manager=anna)
    signed_in(client, anna)
    refused = client.post(reverse("inbox:close", args=[conversation.pk]), {"reason": ""})
    assert refused.status_code == 400 and "Choose why" in refused.content.decode()
    assert (
        client.post(reverse("inbox:close", args=[conversation.pk]), {"reason": "not_customer"}).status_code == 302
    )
    conversation.refresh_from_db()
    assert conversation.state == "closed" and conversation.close_reason == "not_customer"
    html = client.get(page(conversation)).content.decode()
    assert "Closed: Not a customer." in html and "Anna Smirnova" in html
    assert 'data-testid="message-form"' not in html and 'data-testid="close-form"' not in html


def test_an_order_from_the_conversation_is_prefilled_links_closes_and_takes_the_customers_next_message(
    client, shop, anna
):
    conversation = make_conversation(shop, manager=anna, phone="+79267770011")
    new = f"{reverse('orders:new')}?conversation={conversation.pk}"
    signed_in(client, anna)
    form = client.get(new).context["form"]
    assert form.initial["phone"] == "+79267770011" and form.initial["shop"] == shop
    response = client.post(
        new,
        {
            "shop": shop.pk,
            "phone": "+79267770011",
            "name": "",
            "email": "",
            "method": "chat",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-sku": "T-1",
            "items-0-name": "Teapot",
            "items-0-qty": "1",
            "items-0-price": "900",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    order = Order.objects.get()
    conversation.refresh_from_db()
    assert (conversation.order, conversation.state, conversation.close_reason) == (order, "closed", "order")
    assert order.customer == conversation.customer
    later, _ = inbound_receive(
        message_sid="SMlater", from_address="whatsapp:+79267770011", body="When will it come?"
    )
    assert later.order == order
    assert "When will it come?" in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_a_manager_of_another_shop_gets_404_and_an_inspector_reads_but_does_not_answer(client, shop, anna):
    conversation = make_conversation(shop, manager=anna)
    stranger = free_manager(shops=[ShopFactory()])
    signed_in(client, stranger)
    assert client.get(page(conversation)).status_code == 404
    assert (
        client.post(reverse("inbox:reply", args=[conversation.pk]), {"channel": "sms", "body": "Hi"}).status_code
        == 404
    )
    assert client.post(reverse("inbox:close", args=[conversation.pk]), {"reason": "spam"}).status_code == 404
    assert client.get(f"{reverse('orders:new')}?conversation={conversation.pk}").status_code == 404
    reader = inspector()
    grant(reader, shops=[shop])
    signed_in(client, reader)
    html = client.get(page(conversation)).content.decode()
    assert "Hello, do you deliver to Tver?" in html and 'data-testid="message-form"' not in html
    assert client.get(INBOX).status_code == 403
    assert (
        client.post(reverse("inbox:reply", args=[conversation.pk]), {"channel": "sms", "body": "Hi"}).status_code
        == 403
    )
    assert client.post(reverse("inbox:close", args=[conversation.pk]), {"reason": "spam"}).status_code == 403
    assert not OutboundMessage.objects.exists()
    conversation.refresh_from_db()
    assert conversation.state == "open"


def test_a_supervisor_hands_a_conversation_to_another_manager_of_its_shop_with_a_history_line(client, shop, anna):
    boris = free_manager(shops=[shop], username="boris", first_name="Boris", last_name="Orlov")
    outsider = free_manager(shops=[ShopFactory()], username="olga")
    conversation = make_conversation(shop, manager=anna)
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    signed_in(client, boss)
    refused = client.post(
        reverse("inbox:reassign", args=[conversation.pk]), {"manager": outsider.pk, "reason": "x"}
    )
    assert refused.status_code == 400 and 'value="x"' in refused.content.decode()
    conversation.refresh_from_db()
    assert conversation.manager == anna
    moved = client.post(
        reverse("inbox:reassign", args=[conversation.pk]), {"manager": boris.pk, "reason": "Anna is off"}
    )
    assert moved.status_code == 302
    conversation.refresh_from_db()
    assert conversation.manager == boris
    html = client.get(page(conversation)).content.decode()
    assert "Boris Orlov" in html and "Anna is off" in html


# What each role may do with a conversation of its shop: (page, reply, read, close, reassign, list).
ROLE_ACTIONS = {
    "manager": (200, 302, 302, 302, 403, 200),
    "supervisor": (200, 403, 403, 302, 302, 200),
    "inspector": (200, 403, 403, 403, 403, 403),
    "admin": (403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", ROLE_ACTIONS)
def test_every_role_against_every_action_on_a_conversation(client, shop, anna, role):
    boris = free_manager(shops=[shop], username="boris")
    person = {
        "manager": anna,
        "supervisor": supervisor(username="boss"),
        "inspector": inspector(username="igor"),
        "admin": UserFactory(username="root", is_staff=True),
    }[role]
    if role in ("supervisor", "inspector"):
        grant(person, shops=[shop])
    signed_in(client, person)
    codes = []
    for name, data in (
        ("inbox:detail", None),
        ("inbox:reply", {"channel": "sms", "body": "Hello"}),
        ("inbox:read", {}),
        ("inbox:close", {"reason": "answered"}),
        ("inbox:reassign", {"manager": boris.pk}),
    ):
        conversation = make_conversation(shop, manager=anna)
        url = reverse(name, args=[conversation.pk])
        codes.append(client.get(url).status_code if data is None else client.post(url, data).status_code)
    codes.append(client.get(INBOX).status_code)
    assert tuple(codes) == ROLE_ACTIONS[role]


def test_the_answer_form_starts_on_the_channel_the_customer_last_wrote_on(client, shop, anna):
    conversation = make_conversation(shop, manager=anna, channel="whatsapp")
    form = signed_in(client, anna).get(page(conversation)).context["form"]
    assert form.initial == {"channel": "whatsapp"}
