"""Liveness: whatever happens (presence changes, timeouts, new and closed orders, in a random order), once the
queue is served no order waits while a Free manager with room and the grant could take it."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count

from assignment.models import ManagerProfile, Presence, RoutingSettings
from assignment.services import assignments_expire, presence_set, queue_serve
from orders.models import AccessGrant, Order
from orders.services import order_add_note, order_change_status
from tests.factories import ShopFactory, free_manager, make_order, msk

pytestmark = pytest.mark.django_db

SEQUENCES = 200
STEPS = 7
PRESENCES = [Presence.FREE, Presence.FREE, Presence.BUSY, Presence.LUNCH, Presence.OFFLINE]


def stranded(now) -> list[str]:
    """Waiting orders that some Free manager with room and the grant could take, checked from the data alone."""
    default_quota = RoutingSettings.load().default_quota
    open_orders = dict(
        Order.objects.filter(is_final=False, manager__isnull=False).values_list("manager").annotate(n=Count("pk"))
    )
    grants = {grant.user_id: grant for grant in AccessGrant.objects.prefetch_related("shops")}
    free_with_room = [
        profile
        for profile in ManagerProfile.objects.filter(presence=Presence.FREE).select_related("user")
        if open_orders.get(profile.user_id, 0) < profile.quota_or(default_quota)
    ]
    found = []
    for order in Order.objects.filter(manager__isnull=True, is_final=False).select_related("shop"):
        for profile in free_with_room:
            grant = grants.get(profile.user_id)
            if grant is None or not grant.refusal_for(order):
                found.append(f"{order.number} could go to {profile.user.username}")
    return found


def run_sequence(seed: int) -> None:
    rng = random.Random(seed)
    shops = [ShopFactory(always_open=True), ShopFactory(always_open=True)]
    managers = [
        free_manager(username=f"s{seed}m{n}", quota=rng.randint(1, 3), shops=[rng.choice(shops)])
        for n in range(rng.randint(1, 3))
    ]
    clock = msk(2026, 11, 23, 12, 0)
    for _ in range(STEPS):
        clock += timedelta(minutes=rng.choice([1, 2, 6]))  # six minutes passes the acceptance timeout
        with time_machine.travel(clock, tick=False):
            action = rng.choice(["order", "order", "presence", "timeout", "touch", "close"])
            mine = list(Order.objects.filter(is_final=False, manager__isnull=False))
            if action == "order":
                make_order(rng.choice(shops))
            elif action == "presence":
                presence_set(user=rng.choice(managers), presence=rng.choice(PRESENCES))
            elif action == "timeout":
                assignments_expire()
            elif action == "touch" and mine:
                order = rng.choice(mine)
                order_add_note(order=order, by=order.manager, text="On it.")
            elif action == "close" and mine:
                order = rng.choice(mine)
                order_change_status(order=order, target="cancelled", by=order.manager, reason="test")
    # The queue is served (as every capacity event and the every-minute schedule do), past any sticky wait.
    clock += RoutingSettings.load().sticky_wait + timedelta(seconds=1)
    with time_machine.travel(clock, tick=False):
        queue_serve()
        assert stranded(clock) == [], f"seed {seed}"


def test_no_order_waits_while_a_free_manager_with_room_and_the_grant_could_take_it():
    for seed in range(SEQUENCES):
        with transaction.atomic():
            run_sequence(seed)
            transaction.set_rollback(True)  # each sequence starts from an empty desk
