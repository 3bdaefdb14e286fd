"""Conversations on the pages routing owns: the queue on "My orders" (beside orders, oldest first, with the
customer's phone or email and "Take it"), "why assigned" for a conversation, and the conversation weight in
admin (0 to 1; lighter serves the queue)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from assignment.models import Presence, RoutingSettings
from assignment.services import conversation_route, presence_set
from orders.models import Conversation
from tests.factories import CustomerFactory, ShopFactory, free_manager, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, name="Green Garden")


@pytest.fixture
def anna(shop):
    """A manager of the shop on lunch, so what comes in waits in the queue."""
    user = free_manager(username="anna", first_name="Anna", last_name="S", quota=2, shops=[shop])
    presence_set(user=user, presence=Presence.LUNCH)
    return user


def written(shop, *, phone: str = "", email: str = "") -> Conversation:
    with transaction.atomic():
        contact = {"phone": phone} if phone else {"phone": "", "email": email} if email else {}
        customer = CustomerFactory(shop=shop, name="", **contact)
        conversation = Conversation.objects.create(shop=shop, customer=customer, last_message_at=timezone.now())
        conversation_route(new_conversation=conversation)
    conversation.refresh_from_db()
    return conversation


def queue_of(client) -> str:
    html = client.get(reverse("orders:list")).content.decode()
    return html.split('data-testid="waiting-queue"')[1].split("</ul>")[0]


def test_a_waiting_conversation_shows_in_the_queue_beside_orders_oldest_first(client, shop, anna):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        by_mail = written(shop, email="olga@example.com")
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        order = make_order(shop)
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        by_phone = written(shop, phone="+79160001122")
    client.force_login(anna)
    queue = queue_of(client)
    assert queue.index("olga@example.com") < queue.index(order.number) < queue.index("+79160001122")
    assert queue.count('data-testid="waiting-conversation"') == 2 and "Conversation" in queue
    assert reverse("assignment:take_conversation", args=[by_phone.pk]) in queue
    assert by_mail.manager is None


def test_take_it_makes_a_waiting_conversation_the_managers(client, shop, anna):
    conversation = written(shop, phone="+79160001122")
    client.force_login(anna)
    answer = client.post(reverse("assignment:take_conversation", args=[conversation.pk]), follow=True)
    assert "The conversation with +79160001122 is yours." in answer.content.decode()
    conversation.refresh_from_db()
    assert conversation.manager == anna
    assert conversation.events.latest("pk").text == "Assigned to Anna S: Anna S took it from the queue"


def test_a_manager_neither_sees_nor_takes_another_shops_conversation(client, shop, anna):
    elsewhere = written(ShopFactory(always_open=True), phone="+79160009999")
    make_order(shop)  # something in Anna's queue, so the panel shows
    client.force_login(anna)
    assert "+79160009999" not in queue_of(client)
    assert client.post(reverse("assignment:take_conversation", args=[elsewhere.pk])).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.manager is None


def test_take_it_at_quota_is_refused_with_the_weighted_load(client, shop, anna):
    make_order(shop, manager=anna)
    for _ in range(2):
        taken = written(shop)
        client.force_login(anna)
        client.post(reverse("assignment:take_conversation", args=[taken.pk]))
    waiting = written(shop)
    answer = client.post(reverse("assignment:take_conversation", args=[waiting.pk]), follow=True)
    assert "You are at quota (2/2): close or hand over an order first." in answer.content.decode()


def test_why_assigned_explains_a_conversations_manager(shop, speaking):
    free_manager(username="olga", first_name="Olga", last_name="K", shops=[ShopFactory(name="Gadgets")])
    fedor = free_manager(username="fedor", first_name="Fedor", last_name="F")
    conversation = written(shop, phone="+79160001122")
    assert conversation.manager == fedor
    template = Template("{% load assignment_tags %}{% conversation_why_assigned conversation %}")
    panel = template.render(Context({"conversation": conversation}))
    assert "Why assigned" in panel and "The only free manager with room for it" in panel
    assert "Fedor F: 0/10 open" in panel and "Olga K: not granted shop Green Garden" in panel
    with speaking("ru"):
        panel = template.render(Context({"conversation": conversation}))
    assert "Единственный свободный менеджер" in panel and "нет доступа к магазину Green Garden" in panel


def test_the_conversation_weight_is_between_0_and_1_and_a_lighter_one_serves_the_queue(
    admin_client, shop, django_capture_on_commit_callbacks
):
    anna = free_manager(username="anna", quota=1)
    assert [written(shop).manager for _ in range(2)] == [anna, anna]  # 0.5 + 0.5: quota 1 is full
    waiting = written(shop)
    assert waiting.manager is None
    settings = RoutingSettings.load()
    url = reverse("admin:assignment_routingsettings_change", args=[settings.pk])
    form = {
        "default_quota": 10,
        "queue_priority": "oldest",
        "sticky_wait": "10 min",
        "acceptance_timeout": "5 min",
        "timeout_cooloff": "30 min",
        "queue_alert_after": "10 min",
    }
    refused = admin_client.post(url, {**form, "conversation_weight": "1.5"})
    assert (
        refused.status_code == 200 and "Ensure this value is less than or equal to 1" in refused.content.decode()
    )
    assert RoutingSettings.load().conversation_weight == Decimal("0.5")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, {**form, "conversation_weight": "0.25"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.manager == anna


def test_the_queue_and_take_it_speak_russian_for_a_conversation(client, shop, anna, speaking):
    conversation = written(shop, phone="+79160001122")
    client.force_login(anna)
    with speaking("ru"):
        queue = queue_of(client)
        answer = client.post(reverse("assignment:take_conversation", args=[conversation.pk]), follow=True)
    assert "Переписка" in queue and "написал(а)" in queue and "Взять" in queue
    assert "Переписка с клиентом +79160001122 теперь ваша." in answer.content.decode()
