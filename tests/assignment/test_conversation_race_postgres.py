"""First messages racing on PostgreSQL: 50 new numbers write at once, each its own transaction making the customer
and the conversation and routing it; routing's locks keep every manager within quota (conversations at their
weight) and give each conversation exactly one manager."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from assignment.models import AssignmentDecision, RoutingSettings
from assignment.routing.sql import held_by_manager
from assignment.services import conversation_route
from orders.models import Conversation, ConversationEvent, Customer
from tests.factories import ShopFactory, free_manager, make_order
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


def test_fifty_first_messages_at_once_are_routed_once_each_within_every_quota():
    shop = ShopFactory()
    # Five managers, quota 6, one open order each: room for 5 more, ten conversations at 0.5 each; 50 in all.
    team = [free_manager(username=f"m{n}", quota=6) for n in range(5)]
    for user in team:
        make_order(shop, manager=user)
    weight = RoutingSettings.load().conversation_weight
    assert weight == Decimal("0.5")

    def first_message(i: int) -> int | None:
        with transaction.atomic():
            customer = Customer.objects.create(shop=shop, name="", phone=f"+7925{i:07d}")
            conversation = Conversation.objects.create(
                shop=shop, customer=customer, last_message_at=timezone.now()
            )
            decision = conversation_route(new_conversation=conversation)
            return decision.manager_id if decision is not None else None

    results = race(50, first_message)

    assert all(isinstance(result, int) for result in results), results  # routed, nothing raised
    held = held_by_manager([user.pk for user in team])
    loads = {user.username: held[user.pk].load(weight) for user in team}
    assert loads == {user.username: 6 for user in team}  # full, none past quota
    assert Conversation.objects.filter(manager__isnull=True).count() == 0
    assert Conversation.objects.count() == 50
    assert AssignmentDecision.objects.filter(conversation__isnull=False).count() == 50
    twice = AssignmentDecision.objects.values("conversation").annotate(n=Count("pk")).filter(n__gt=1)
    assert not twice.filter(conversation__isnull=False).exists()
    assert ConversationEvent.objects.count() == 50  # one "Assigned to" line each
    # each conversation's manager is its decision's
    assert not Conversation.objects.exclude(assignment_decisions__manager=F("manager")).exists()
