"""Routers racing on PostgreSQL: no order assigned twice, no manager past quota, whatever the interleaving."""

import pytest
from django.db.models import Count

from assignment.models import AssignmentDecision
from assignment.services import queue_serve
from orders.models import Order, OrderEvent
from tests.factories import ShopFactory, free_manager, make_order
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


def test_four_routers_serving_one_queue_never_double_assign_or_break_a_quota():
    shop = ShopFactory()
    orders = [make_order(shop) for _ in range(200)]  # nobody on duty yet: all wait in the queue
    managers = [free_manager(username=f"m{n}", quota=20) for n in range(5)]

    results = race(4, lambda i: queue_serve(limit=500))

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 100  # 5 managers × quota 20; each assignment counted by exactly one router
    per_manager = dict(
        Order.objects.filter(is_final=False, manager__isnull=False).values_list("manager").annotate(n=Count("pk"))
    )
    assert per_manager == {user.pk: 20 for user in managers}
    assert AssignmentDecision.objects.count() == 100
    assert not AssignmentDecision.objects.values("order").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.ASSIGNMENT).count() == 100
    assert Order.objects.filter(manager__isnull=True).count() == len(orders) - 100
