"""Staff working a conversation (orders/services/conversation_work.py): the first reply, reading, closing, the
order made from it."""

import pytest

from orders.exceptions import OrderError
from orders.models import Conversation
from orders.services import (
    conversation_close,
    conversation_link_order,
    conversation_read,
    conversation_replied,
)
from tests.factories import free_manager, make_order, supervisor
from tests.inbox.conftest import make_conversation

pytestmark = pytest.mark.django_db


def lines(conversation):
    return list(conversation.events.order_by("created_at", "pk").values_list("text", "actor__username"))


def test_the_first_reply_stops_the_clock_once_and_the_conversation_waits_for_the_customer(shop, anna):
    conversation = make_conversation(shop, manager=anna)
    replied = conversation_replied(conversation=conversation, by=anna)
    first = replied.first_replied_at
    assert first is not None and replied.state == Conversation.State.WAITING and not replied.unread
    again = conversation_replied(conversation=conversation, by=anna)
    assert again.first_replied_at == first
    assert lines(conversation) == [("First reply to the customer.", "anna")]


def test_only_its_manager_reads_a_conversation_away(shop, anna):
    conversation = make_conversation(shop, manager=anna)
    assert not conversation_read(conversation=conversation, by=supervisor())
    conversation.refresh_from_db()
    assert conversation.unread
    assert conversation_read(conversation=conversation, by=anna)
    conversation.refresh_from_db()
    assert not conversation.unread


def test_closing_says_why_in_the_history_and_a_closed_conversation_takes_nothing_more(shop, anna):
    conversation = make_conversation(shop, manager=anna)
    closed = conversation_close(conversation=conversation, reason="spam", by=anna)
    assert (closed.state, closed.close_reason, closed.closed_by) == ("closed", "spam", anna)
    assert closed.closed_at is not None
    assert lines(conversation) == [("Closed: Spam.", "anna")]
    with pytest.raises(OrderError, match="closed"):
        conversation_close(conversation=conversation, reason="answered", by=anna)
    with pytest.raises(OrderError, match="closed"):
        conversation_replied(conversation=conversation, by=anna)


@pytest.mark.parametrize("reason", ["order", "", "lost"])
def test_a_person_closes_only_with_a_reason_of_theirs(shop, anna, reason):
    conversation = make_conversation(shop, manager=anna)
    with pytest.raises(OrderError, match="Choose why"):
        conversation_close(conversation=conversation, reason=reason, by=anna)
    conversation.refresh_from_db()
    assert conversation.state == "open" and not lines(conversation)


def test_the_order_made_from_a_conversation_links_it_and_closes_it(shop, anna):
    conversation = make_conversation(shop, manager=anna)
    order = make_order(shop, phone=conversation.customer.phone, manager=anna)
    assert order.customer == conversation.customer  # the same shop's customer, found by phone
    linked = conversation_link_order(conversation=conversation, order=order, by=anna)
    conversation.refresh_from_db()
    assert (conversation.order, conversation.state, conversation.close_reason) == (order, "closed", "order")
    assert linked.order == order
    assert [text for text, _ in lines(conversation)] == [
        f"Order {order.number} created from it.",
        "Closed: An order was created.",
    ]


def test_an_order_of_another_customer_is_not_linked(shop, anna):
    conversation = make_conversation(shop, manager=anna)
    order = make_order(shop, manager=free_manager(shops=[shop]))
    with pytest.raises(OrderError, match="another customer"):
        conversation_link_order(conversation=conversation, order=order, by=anna)
    conversation.refresh_from_db()
    assert conversation.order is None and conversation.state == "open"
