"""A conversation (a customer writing with no open order) goes through the order's routing engine: presence,
grants by shop, the customer's own manager first, even load; it weighs the routing settings' conversation weight
against the quota, waits in the queue when nobody can take it, and times out to someone else."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from assignment.exceptions import AssignmentRefused
from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from assignment.services import (
    assignment_accept,
    assignments_expire,
    conversation_route,
    conversation_take,
    conversations_reassign,
    presence_set,
    queue_serve,
)
from orders.exceptions import OrderError
from orders.models import Conversation, Customer
from tests.factories import CustomerFactory, ShopFactory, free_manager, make_order, manager, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Green Garden")


def new_conversation(shop, *, customer=None, phone: str = "") -> tuple[Conversation, AssignmentDecision | None]:
    """A first message as the inbound flow makes it: the customer (found or new) and their conversation, routed in
    the same transaction."""
    with transaction.atomic():
        customer = customer or CustomerFactory(shop=shop, name="", **({"phone": phone} if phone else {}))
        conversation = Conversation.objects.create(shop=shop, customer=customer, last_message_at=timezone.now())
        decision = conversation_route(new_conversation=conversation)
    conversation.refresh_from_db()
    return conversation, decision


def test_an_unknown_customers_conversation_goes_to_a_free_granted_manager(shop):
    other_shop = ShopFactory(name="Gadgets")
    free_manager(username="elsewhere", first_name="Egor", last_name="Else", shops=[other_shop])
    free_manager(username="away", first_name="Alla", last_name="Away", shops=[shop])
    ManagerProfile.objects.filter(user__username="away").update(presence=Presence.LUNCH)
    free = free_manager(username="free", first_name="Fedor", last_name="Free", shops=[shop])

    conversation, decision = new_conversation(shop, phone="+79160000001")

    assert conversation.manager == free and decision is not None
    assert decision.conversation == conversation and decision.order is None
    assert decision.excluded == {"Egor Else": "not granted shop Green Garden", "Alla Away": "on lunch"}
    # the customer, unknown until now, is the manager's from here on, as with a first order
    assert Customer.objects.get(pk=conversation.customer_id).responsible_manager == free
    line = conversation.events.get()
    assert line.text == "Assigned to Fedor Free: The only free manager with room for it"
    assert line.actor is None


def test_a_manager_of_another_shop_is_never_chosen_even_if_idle_and_empty(shop):
    other_shop = ShopFactory()
    free_manager(username="elsewhere", shops=[other_shop])
    conversation, decision = new_conversation(shop)
    assert decision is None and conversation.manager is None  # it waits rather than go to the wrong shop
    mine = free_manager(username="mine", shops=[shop])
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert queue_serve() == 1
    conversation.refresh_from_db()
    assert conversation.manager == mine


def test_a_known_customer_with_no_open_order_goes_to_their_responsible_manager(shop):
    own = free_manager(username="own", first_name="Olga", last_name="Own")
    make_order(shop)  # Olga holds one order…
    free_manager(username="idle", first_name="Ivan", last_name="Idle")  # …and Ivan none: even load would pick him
    customer = CustomerFactory(shop=shop, responsible_manager=own)
    conversation, decision = new_conversation(shop, customer=customer)
    assert conversation.manager == own
    assert decision.rule == AssignmentDecision.Rule.REPEAT


def test_a_known_customer_waits_a_little_for_their_own_manager_then_goes_to_another(shop):
    own = free_manager(username="own")
    other = free_manager(username="other")
    presence_set(user=own, presence=Presence.BREAK)
    customer = CustomerFactory(shop=shop, responsible_manager=own)
    conversation, decision = new_conversation(shop, customer=customer)
    assert decision is None  # the sticky wait
    with time_machine.travel(timezone.now() + RoutingSettings.load().sticky_wait + timedelta(seconds=1)):
        queue_serve()
    conversation.refresh_from_db()
    assert conversation.manager == other


def test_nobody_free_the_conversation_waits_and_is_served_when_someone_turns_free(
    shop, django_capture_on_commit_callbacks
):
    anna = free_manager(username="anna", shops=[shop])
    presence_set(user=anna, presence=Presence.LUNCH)
    conversation, decision = new_conversation(shop)
    assert decision is None and conversation.manager is None
    with django_capture_on_commit_callbacks(execute=True):  # turning Free serves the queue after commit
        presence_set(user=anna, presence=Presence.FREE)
    conversation.refresh_from_db()
    assert conversation.manager == anna
    assert conversation.assignment_decisions.get().rule == AssignmentDecision.Rule.EVEN_LOAD


def test_the_queue_serves_orders_and_conversations_oldest_first(shop):
    anna = free_manager(username="anna", quota=2)
    presence_set(user=anna, presence=Presence.LUNCH)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first_order = make_order(shop)
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        conversation, _ = new_conversation(shop)
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        second_order = make_order(shop)
    ManagerProfile.objects.filter(user=anna).update(presence=Presence.FREE)
    # Quota 2: the older order (1) and the conversation (0.5) fit; the younger order would make 2.5.
    assert queue_serve() == 2
    first_order.refresh_from_db(), conversation.refresh_from_db(), second_order.refresh_from_db()
    assert (first_order.manager, conversation.manager, second_order.manager) == (anna, anna, None)


@pytest.mark.parametrize(("weight", "full"), [(Decimal("0.5"), True), (Decimal("0.25"), False)])
def test_the_conversation_weight_counts_against_the_quota(shop, weight, full):
    """Quota 2: one open order and two conversations at 0.5 fill it; at 0.25 they leave room for one more."""
    settings = RoutingSettings.load()
    settings.conversation_weight = weight
    settings.save()
    anna = free_manager(username="anna", quota=2)
    make_order(shop, manager=anna)
    for _ in range(2):
        conversation, _ = new_conversation(shop)
        assert conversation.manager == anna
    third, decision = new_conversation(shop)
    assert (decision is None) is full
    if full:
        order = make_order(shop)
        assert order.manager is None  # no room for an order either: the load is 2 of 2
        with pytest.raises(AssignmentRefused, match=r"at quota \(2/2\)"):
            conversation_take(conversation_id=third.pk, user=anna)


def test_a_conversation_at_half_weight_does_not_squeeze_past_the_quota(shop):
    """Quota 1 with a conversation held: 0.5 + 1 would pass it, so an order waits; another conversation fits."""
    anna = free_manager(username="anna", quota=1)
    new_conversation(shop)
    order = make_order(shop)
    assert order.manager is None
    second, decision = new_conversation(shop)
    assert second.manager == anna


def test_an_untouched_conversation_times_out_to_another_manager(shop):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    conversation, first = new_conversation(shop)
    assert conversation.manager == anna
    boris = free_manager(username="boris", first_name="Boris", last_name="I")
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1), tick=False):
        assert assignments_expire() == 1
    conversation.refresh_from_db()
    assert conversation.manager == boris
    first.refresh_from_db()
    assert first.timed_out_at is not None
    second = conversation.assignment_decisions.latest("pk")
    assert second.manager == boris and [c["manager"] for c in second.candidates] == ["Boris I", "Anna S"]
    texts = list(conversation.events.order_by("pk").values_list("text", flat=True))
    assert texts[1] == "Manager changed from Anna S to nobody: Anna S did not take it up within 5 min"
    # the customer came with the conversation only: they are not kept for the manager who let it slip
    assert Customer.objects.get(pk=conversation.customer_id).responsible_manager == boris


def test_an_answered_conversation_does_not_time_out(shop):
    anna = free_manager(username="anna")
    conversation, _ = new_conversation(shop)
    assert assignment_accept(conversation=conversation, by=anna) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert assignments_expire() == 0
    conversation.refresh_from_db()
    assert conversation.manager == anna


def test_take_it_gives_a_waiting_conversation_to_a_granted_manager_with_room(shop):
    anna = free_manager(username="anna", shops=[shop])
    presence_set(user=anna, presence=Presence.BUSY)
    conversation, _ = new_conversation(shop)
    outsider = free_manager(username="outsider", shops=[ShopFactory(name="Gadgets")])
    presence_set(user=outsider, presence=Presence.BUSY)
    with pytest.raises(AssignmentRefused, match="not granted shop Green Garden"):
        conversation_take(conversation_id=conversation.pk, user=outsider)
    decision = conversation_take(conversation_id=conversation.pk, user=anna)
    assert decision.rule == AssignmentDecision.Rule.TAKEN and decision.accepted_at is not None
    conversation.refresh_from_db()
    assert conversation.manager == anna
    with pytest.raises(AssignmentRefused, match="no longer waiting"):
        conversation_take(conversation_id=conversation.pk, user=anna)


def test_a_supervisor_reassigns_conversations_all_or_nothing(shop):
    boss = supervisor(username="boss")
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    mine, _ = new_conversation(shop)
    elsewhere, _ = new_conversation(ShopFactory(name="Gadgets"))
    boris = free_manager(username="boris", first_name="Boris", last_name="I", shops=[shop])
    with pytest.raises(OrderError, match=f"#{elsewhere.pk}: not granted shop Gadgets"):
        conversations_reassign(conversations=[mine, elsewhere], manager=boris, by=boss, reason="holiday")
    mine.refresh_from_db()
    assert mine.manager == anna  # nothing moved
    with pytest.raises(OrderError, match="not an active manager"):
        conversations_reassign(
            conversations=[mine], manager=manager(username="noprofile", is_active=False), by=boss
        )
    assert conversations_reassign(conversations=[mine], manager=boris, by=boss, reason="holiday") == 1
    mine.refresh_from_db()
    assert mine.manager == boris
    line = mine.events.latest("pk")
    assert line.text == "Manager changed from Anna S to Boris I: holiday" and line.actor == boss


def test_a_closed_conversation_is_neither_routed_nor_reassigned(shop):
    anna = free_manager(username="anna")
    presence_set(user=anna, presence=Presence.LUNCH)
    conversation, _ = new_conversation(shop)
    Conversation.objects.filter(pk=conversation.pk).update(
        state=Conversation.State.CLOSED, closed_at=timezone.now(), close_reason=Conversation.CloseReason.SPAM
    )
    ManagerProfile.objects.filter(user=anna).update(presence=Presence.FREE)
    assert queue_serve() == 0
    assert conversation_route(conversation_id=conversation.pk) is None
    conversation.refresh_from_db()
    with pytest.raises(OrderError, match="closed"):
        conversations_reassign(conversations=[conversation], manager=anna, by=None)


def test_a_decision_names_an_order_or_a_conversation_never_both_nor_neither(shop):
    from django.db import IntegrityError

    anna = free_manager(username="anna")
    order = make_order(shop)
    conversation, _ = new_conversation(shop)
    for named in ({}, {"order": order, "conversation": conversation}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AssignmentDecision.objects.create(manager=anna, rule=AssignmentDecision.Rule.TAKEN, **named)
