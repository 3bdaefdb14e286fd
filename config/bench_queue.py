"""`make bench`: how fast the waiting queue drains when capacity appears (a quota raise)."""

import math
import multiprocessing
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connections
from django.utils import timezone

from assignment.models import ManagerProfile, RoutingSettings
from assignment.routing.sql import Held, held_by_manager
from assignment.services import queue_serve
from assignment.services.queue import queue_routers
from orders.models import Customer, Order


def queue_drain(*, shop, team: list, room: int, say) -> None:
    """`room` orders of as many customers wait (newest first, so the desk's older synthetic backlog, all of one
    customer, stays behind them); a quota raise gives the team room for exactly them. Times the serves the raise
    starts (one per q2 worker, each a process of its own, as in the cluster) until nobody has room left."""
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Queue {n}", phone=f"+7976{n:07d}") for n in range(room)
    )
    Order.objects.bulk_create(
        Order(shop=shop, customer=customer, number=f"Q{now.timestamp():.0f}-{n}", total=Decimal("100"),
              status_entered_at=now, deadline=now + timedelta(days=1))
        for n, customer in enumerate(customers)
    )  # fmt: skip
    settings = RoutingSettings.load()
    priority, settings.queue_priority = settings.queue_priority, RoutingSettings.QueuePriority.NEWEST
    settings.save()
    held = held_by_manager([user.pk for user in team])
    weight = settings.conversation_weight
    each = room // len(team)
    before = {p.user_id: p.quota_override for p in ManagerProfile.objects.filter(user__in=team)}
    for user in team:
        ManagerProfile.objects.filter(user=user).update(
            quota_override=math.ceil(held.get(user.pk, Held()).load(weight)) + each
        )
    routers = queue_routers()
    connections.close_all()  # each forked router opens its own connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(routers) as pool:
        assigned = sum(pool.map(_route, range(routers)))
    seconds = time.perf_counter() - started
    say(
        f"queue drain after a quota raise, room for {each * len(team):,}: {assigned:,} assigned in "
        f"{seconds:.1f} s by {routers} router{'s' if routers > 1 else ''}"
    )
    for user_id, quota in before.items():
        ManagerProfile.objects.filter(user_id=user_id).update(quota_override=quota)
    settings.queue_priority = priority
    settings.save()


def _route(_) -> int:
    connections.close_all()  # not the parent's connection: a forked process needs its own
    return queue_serve()
