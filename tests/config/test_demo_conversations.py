"""The demo's conversations: its shops' numbers and addresses, strangers who wrote by SMS, WhatsApp and email
(routed by the real pipeline), answered ones, an overdue first reply, spam; yesterday's on the KPI page and today's
on the supervisor's dashboard."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from config.demo import demo_load
from config.demo_live import stranger_emails, stranger_writes
from kpi.models import ManagerDay
from notifications.models import InboundMessage
from orders.models import Conversation, ShopAddress
from tests.factories import msk

pytestmark = pytest.mark.django_db
DAYTIME = msk(2026, 11, 24, 12, 0)


@pytest.fixture
def demo():
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
        demo_load()  # idempotent


def test_the_demo_has_conversations_in_every_state_once(demo):
    assert dict(ShopAddress.objects.values_list("channel").annotate(n=Count("pk"))) == {
        "sms": 2,
        "whatsapp": 2,
        "email": 2,
        "voice": 2,  # the demo's phone (config.demo_phone)
    }
    conversations = Conversation.objects.select_related("customer")
    assert conversations.count() == 9
    assert all(c.customer.name == "" for c in conversations)  # strangers: "unknown" until staff know better
    assert dict(conversations.values_list("state").annotate(n=Count("pk"))) == {
        "open": 4,
        "waiting": 2,
        "closed": 3,
    }
    overdue = conversations.filter(first_replied_at=None, first_reply_due_at__lt=DAYTIME).exclude(state="closed")
    assert [c.customer.phone for c in overdue] == ["+79990001105"]
    assert conversations.get(close_reason="spam").first_replied_at is None
    assert conversations.get(customer__email="ivan.petrov@example.ru").messages_in.get().channel == "email"
    # Routed like orders: the open ones have a Free manager of their shop (nobody is on lunch but manager5).
    assert not conversations.filter(state="open", manager=None).exists()
    assert InboundMessage.objects.filter(conversation__isnull=False).count() == 9


def test_yesterdays_conversations_are_on_the_kpi_page_and_todays_on_the_dashboard(demo, client):
    yesterday = (DAYTIME - timedelta(days=1)).date()
    assert sum(ManagerDay.objects.filter(day=yesterday).values_list("conversations", flat=True)) == 2
    client.force_login(get_user_model().objects.get(username="supervisor"))
    with time_machine.travel(DAYTIME, tick=False):
        html = client.get(reverse("dashboard:dashboard")).content.decode()
        kpi = client.get(reverse("kpi:kpi"), {"period": "7d"}).content.decode()
    panel = html.split('data-testid="conversations"')[1]
    assert panel.split('data-testid="conversation"')[1].count('data-testid="reply-overdue"') == 1
    assert 'data-testid="kpi-conversations"' in kpi


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_pipeline")
def test_the_live_demo_has_strangers_write_through_the_twilio_webhook_and_the_email_webhook(
    live_server, twilio, settings
):
    settings.SITE_URL = live_server.url  # the desk's public address: what the webhook's signature covers
    demo_load()
    before = set(Conversation.objects.values_list("pk", flat=True))
    texted = stranger_writes(rng=random.Random(5))
    emailed = stranger_emails(base_url=live_server.url, rng=random.Random(5))
    assert texted and emailed
    new = Conversation.objects.exclude(pk__in=before).select_related("customer")
    contacts = sorted(c.customer.phone or c.customer.email for c in new)
    assert len(contacts) == 2 and contacts[0].startswith("+7999") and contacts[1].endswith("@example.ru")
    assert InboundMessage.objects.filter(conversation__in=new).count() == 2
