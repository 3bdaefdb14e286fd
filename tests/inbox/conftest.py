from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from notifications.models import InboundMessage
from orders.models import Conversation, Customer
from tests.factories import ShopFactory, free_manager

_sids = count(1)


def make_conversation(
    shop,
    *,
    manager=None,
    phone=None,
    name="",
    body="Hello, do you deliver to Tver?",
    channel="whatsapp",
    due_in=timedelta(minutes=5),
    at=None,
):
    """A conversation as a first message starts one: a customer (name unknown), the message, the clock."""
    at = at or timezone.now()
    n = next(_sids)
    customer = Customer.objects.create(shop=shop, name=name, phone=phone or f"+7926{n:07d}")
    conversation = Conversation.objects.create(
        shop=shop, customer=customer, manager=manager, last_message_at=at, first_reply_due_at=at + due_in
    )
    InboundMessage.objects.create(
        message_sid=f"SM{n:032d}",
        channel=channel,
        from_address=customer.phone,
        body=body,
        customer=customer,
        conversation=conversation,
    )
    return conversation


@pytest.fixture
def shop():
    return ShopFactory(always_open=True)


@pytest.fixture
def anna(shop):
    return free_manager(shops=[shop], first_name="Anna", last_name="Smirnova", username="anna")
