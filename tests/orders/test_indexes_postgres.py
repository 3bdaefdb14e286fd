import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignment.models import AssignmentDecision
from assignment.routing.sql import held_by_manager
from orders.models import Order, Task
from orders.selectors import order_list_waiting, task_list_open

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan_of(queryset) -> str:
    # In a transaction of its own: SET LOCAL lasts only to its end, and outside one (a transactional test, in
    # autocommit) it would be lost before the EXPLAIN.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables would tempt the planner to scan
        return queryset.explain()


def test_the_overdue_sweep_reads_the_partial_deadline_index():
    # A desk with history (2,000 open orders, 5 due) and fresh statistics: the planner's choice is then the one
    # a real desk gets, not a coin toss between indexes on an empty table.
    from datetime import timedelta

    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    now = timezone.now()
    Order.objects.bulk_create(
        Order(shop=customer.shop, customer=customer, status_entered_at=now,
              deadline=now - timedelta(minutes=1) if n < 5 else now + timedelta(days=1))
        for n in range(2000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    due = Order.objects.filter(deadline__lte=now, is_overdue=False, is_final=False).order_by("deadline")
    plan = plan_of(due)
    assert "order_due_idx" in plan, plan


def test_counting_a_managers_open_orders_reads_the_manager_index():
    plan = plan_of(Order.objects.filter(manager_id=1, is_final=False))
    assert "order_manager_open_idx" in plan, plan


def test_a_persons_open_tasks_are_read_in_due_order_from_the_open_task_index(django_user_model):
    plan = plan_of(task_list_open(user=django_user_model(pk=1)))
    assert "task_open_idx" in plan and "Sort" not in plan, plan


def test_the_reminder_sweep_reads_the_partial_reminder_index():
    plan = plan_of(Task.objects.filter(due_at__lte=timezone.now(), done_at__isnull=True, reminded_at__isnull=True))
    assert "task_remind_idx" in plan, plan


def test_the_acceptance_timeout_sweep_reads_the_awaiting_decision_index():
    awaiting = AssignmentDecision.objects.filter(
        accept_by__lte=timezone.now(), accepted_at__isnull=True, timed_out_at__isnull=True
    ).order_by("accept_by")  # as the sweep asks
    assert "decision_awaiting_idx" in plan_of(awaiting)


def explained(run) -> str:
    """The plan of the one query `run` makes, read with sequential scans discouraged."""
    with CaptureQueriesContext(connection) as ctx:
        run()
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_unassigned_queue_is_read_from_the_queue_index(django_user_model):
    supervisor = django_user_model.objects.create(username="root", is_superuser=True)
    plan = plan_of(order_list_waiting(user=supervisor))
    assert "order_queue_idx" in plan, plan


def test_the_team_views_open_orders_and_conversations_are_counted_from_the_manager_indexes(django_user_model):
    # A desk with history (1,000 conversations of 20 managers, half closed) and fresh statistics: on an empty
    # table the planner may as well read any partial index on open conversations.
    from orders.models import Conversation, Customer
    from tests.factories import ShopFactory

    shop, now = ShopFactory(), timezone.now()
    managers = django_user_model.objects.bulk_create(django_user_model(username=f"m{n}") for n in range(20))
    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"c{n}", phone=f"+7916{n:07d}") for n in range(1000)
    )
    Conversation.objects.bulk_create(
        Conversation(shop=shop, customer=customer, manager=managers[n % 20], last_message_at=now,
                     state="open" if n % 2 else "closed", closed_at=None if n % 2 else now)
        for n, customer in enumerate(customers)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_conversation")
    plan = explained(lambda: held_by_manager([managers[0].pk, managers[1].pk, managers[2].pk]))
    assert "order_manager_open_idx" in plan, plan
    assert "conversation_manager_open_idx" in plan, plan


def test_the_kpi_rollup_reads_one_days_decisions_timeouts_and_closed_tasks_from_their_indexes():
    from datetime import timedelta

    now = timezone.now()
    day = {"gte": now - timedelta(days=1), "lt": now}
    # As the rollup asks: grouped counts, so no ordering.
    decisions = AssignmentDecision.objects.filter(created_at__gte=day["gte"], created_at__lt=day["lt"]).order_by()
    timeouts = AssignmentDecision.objects.filter(
        timed_out_at__gte=day["gte"], timed_out_at__lt=day["lt"]
    ).order_by()
    closed = Task.objects.filter(done_at__gte=day["gte"], done_at__lt=day["lt"]).order_by()
    assert "decision_created_idx" in plan_of(decisions)
    assert "decision_timed_out_idx" in plan_of(timeouts) or "decision_timeouts_idx" in plan_of(timeouts)
    assert "task_done_idx" in plan_of(closed)


def test_the_lists_search_reads_orders_through_their_indexes_whatever_it_matches(django_user_model):
    """Number, storefront id, a customer's name or phone: each part of the match has its own index on the orders,
    so the planner combines them (BitmapOr) instead of scanning every order, on a desk with history."""
    from orders.models import Customer, Shop
    from orders.selectors import order_list

    shop = Shop.objects.create(code="idx", name="Index shop")
    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Buyer {n}", phone=f"+7903{n:07d}") for n in range(300)
    )
    now = timezone.now()
    Order.objects.bulk_create(
        Order(shop=shop, customer=customers[n % 300], number=f"IDX-{n}", external_id=f"web-{n}",
              status_entered_at=now, deadline=now)
        for n in range(3000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("ANALYZE orders_customer")
    supervisor = django_user_model.objects.create(username="root", is_superuser=True)
    for term in ("idx-1234", "web-77", "Buyer 123", "+79030000042"):
        plan = order_list(user=supervisor, params={"q": term, "scope": "all"}, mine=False).qs.explain()
        assert "Seq Scan on orders_order" not in plan and "BitmapOr" in plan, (term, plan)


def test_the_lists_most_urgent_first_is_read_in_order_from_the_priority_index(django_user_model):
    """Open orders first, then overdue, soonest due, oldest: the index holds them in that order, so a page of the
    list reads its rows without sorting the whole history."""
    from orders.selectors import order_list

    supervisor = django_user_model.objects.create(username="root", is_superuser=True)
    queryset = order_list(user=supervisor, params={"scope": "all"}, mine=False).qs[:20]
    plan = plan_of(queryset)
    assert "order_priority_idx" in plan and "Sort Key" not in plan, plan


def test_a_customer_is_found_by_email_in_any_case_through_the_case_insensitive_index():
    # A shop with 2,000 customers and fresh statistics: the shop's own index alone would read them all.
    from orders.models import Customer
    from tests.factories import ShopFactory

    shop = ShopFactory()
    Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Customer {n}", phone=f"+7916{n:07d}", email=f"customer{n}@example.com")
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_customer")
    plan = plan_of(Customer.objects.filter(shop=shop).by_contact(phone="", email="Customer7@Example.com"))
    assert "customer_shop_email_ci_idx" in plan, plan
