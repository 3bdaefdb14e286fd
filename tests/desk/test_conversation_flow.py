"""What the desk does when staff work a conversation: an answer stops routing's acceptance clock (as working an
order does), and a closed conversation frees its manager's room, so the queue is served."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from assignment.models import AssignmentDecision, RoutingSettings
from assignment.services import conversation_route
from orders.models import Conversation
from orders.services import conversation_close, conversation_replied
from tests.factories import CustomerFactory, ShopFactory, free_manager, make_order

pytestmark = pytest.mark.django_db


def routed_conversation(shop) -> Conversation:
    with transaction.atomic():
        customer = CustomerFactory(shop=shop, name="")
        conversation = Conversation.objects.create(shop=shop, customer=customer, last_message_at=timezone.now())
        conversation_route(new_conversation=conversation)
    conversation.refresh_from_db()
    return conversation


def test_answering_a_conversation_stops_the_acceptance_clock():
    settings = RoutingSettings.load()
    settings.acceptance_timeout = timedelta(minutes=10)
    settings.save()
    shop = ShopFactory()
    anna = free_manager(username="anna", shops=[shop])
    conversation = routed_conversation(shop)
    decision = AssignmentDecision.objects.get(conversation=conversation)
    assert conversation.manager == anna and decision.accept_by is not None and decision.accepted_at is None

    conversation_replied(conversation=conversation, by=anna)

    decision.refresh_from_db()
    assert decision.accepted_at is not None


def test_closing_a_conversation_serves_the_queue(django_capture_on_commit_callbacks):
    """Quota 1 at weight 1: the conversation fills the manager, an order waits; closing it gives her the order."""
    settings = RoutingSettings.load()
    settings.conversation_weight = 1
    settings.save()
    shop = ShopFactory()
    anna = free_manager(username="anna", quota=1, shops=[shop])
    conversation = routed_conversation(shop)
    order = make_order(shop)
    assert conversation.manager == anna and order.manager is None

    with django_capture_on_commit_callbacks(execute=True):
        conversation_close(conversation=conversation, reason=Conversation.CloseReason.SPAM, by=anna)

    order.refresh_from_db()
    assert order.manager == anna


def test_the_manager_given_a_conversation_hears_of_it_and_the_one_who_lost_it_no_longer_does():
    from assignment.services import conversations_reassign
    from notifications.models import Notification
    from tests.factories import supervisor

    shop = ShopFactory()
    anna = free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])
    conversation = routed_conversation(shop)
    [yours] = Notification.objects.filter(recipient=anna, kind=Notification.Kind.ASSIGNED)
    assert yours.link == f"/conversations/{conversation.pk}/" and "is yours" in yours.text and not yours.is_read

    boris = free_manager(username="boris", first_name="Boris", last_name="Petrov", shops=[shop])
    boss = supervisor(username="boss", first_name="Olga", last_name="Boss")
    conversations_reassign(conversations=[conversation], manager=boris, by=boss, reason="Anna is away")

    [handed] = Notification.objects.filter(recipient=boris, kind=Notification.Kind.ASSIGNED)
    assert handed.text == "Olga Boss handed you the conversation with unknown: Anna is away."
    yours.refresh_from_db()
    assert yours.is_read
