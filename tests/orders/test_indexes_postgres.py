import pytest
from django.db import connection
from django.utils import timezone

from orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_overdue_sweep_reads_the_partial_deadline_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables would tempt the planner to scan
    plan = Order.objects.filter(deadline__lte=timezone.now(), is_overdue=False, is_final=False).explain()
    assert "order_due_idx" in plan, plan


def test_counting_a_managers_open_orders_reads_the_manager_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Order.objects.filter(manager_id=1, is_final=False).explain()
    assert "order_manager_open_idx" in plan, plan
