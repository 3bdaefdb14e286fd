"""`make bench`: figures for the paths that must stay fast as orders pile up. Run it on a throwaway database
(make bench does); it bulk-loads synthetic orders."""

import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignment.models import AssignmentDecision
from assignment.services import assignments_expire
from orders.models import Customer, Order, Shop, Task
from orders.selectors import order_next_for_manager
from orders.services import order_create, orders_flag_overdue, shop_issue_api_key, tasks_remind_due
from tests.factories import grant, manager


def timed(fn, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - start) / repeat * 1000, result


class Command(BaseCommand):
    help = "Benchmark the overdue sweep, the order list and intake at a given number of orders."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=50_000)

    def handle(self, *args, orders, **options):
        now = timezone.now()
        shop = Shop.objects.create(code=f"bench{int(now.timestamp())}", name="Bench", always_open=True)
        user = manager(username=f"bench{int(now.timestamp())}")
        grant(user, shops=[shop])
        customer = Customer.objects.create(shop=shop, name="Bench buyer", phone="+79990000000")
        started = time.perf_counter()
        batch = []
        for n in range(orders):
            batch.append(
                Order(
                    shop=shop,
                    customer=customer,
                    number=f"B{now.timestamp():.0f}-{n}",
                    total=Decimal("100"),
                    manager=user if n % 10 == 0 else None,
                    status_entered_at=now,
                    deadline=now + timedelta(days=1) if n >= 20 else now - timedelta(minutes=1),
                )
            )
            if len(batch) == 5000:
                Order.objects.bulk_create(batch)
                batch = []
        Order.objects.bulk_create(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a load this size; plans need the stats
        self.stdout.write(
            f"loaded {orders} orders on {connection.vendor} in {time.perf_counter() - started:.1f} s"
        )

        with CaptureQueriesContext(connection) as ctx:
            ms, flagged = timed(orders_flag_overdue)
        self.stdout.write(f"overdue sweep, 20 due of {orders}: {ms:.1f} ms, {len(ctx)} queries, flagged {flagged}")
        ms, flagged = timed(orders_flag_overdue, repeat=5)
        self.stdout.write(f"overdue sweep, nothing due of {orders}: {ms:.2f} ms")

        self._tasks_and_timeouts(user, customer, now)

        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        client.get("/orders/?scope=all")
        for label, url in [
            ("order list, page 1", "/orders/?scope=all"),
            ("order list, page 50", "/orders/?scope=all&page=50"),
            ("my orders, overdue filter", "/orders/?overdue=true"),
        ]:
            with CaptureQueriesContext(connection) as ctx:
                ms, response = timed(lambda url=url: client.get(url), repeat=5)
            self.stdout.write(
                f"{label}: {ms:.1f} ms per page, {len(ctx) // 5} queries, HTTP {response.status_code}"
            )

        key = shop_issue_api_key(shop=shop)
        api = Client(SERVER_NAME="localhost")
        count = 200

        def push():
            return [
                api.post(
                    "/api/v1/orders/",
                    {
                        "external_id": f"api-{n}",
                        "customer": {"name": "X", "phone": f"+7995{n:07d}"},
                        "items": [{"name": "Teapot", "qty": 1, "price": 10}],
                    },
                    content_type="application/json",
                    headers={"Authorization": f"Bearer {key}"},
                ).status_code
                for n in range(count)
            ]

        ms, codes = timed(push)
        assert set(codes) == {201}, set(codes)
        self.stdout.write(
            f"intake API: {count} new orders in {ms / 1000:.2f} s = {count / (ms / 1000):.0f} orders/s"
        )
        again = {  # api-1 exactly as the storefront sent it
            "customer": {"name": "X", "phone": "+79950000001", "email": "", "legal_type": "", "is_vip": False},
            "items": [{"sku": "", "name": "Teapot", "qty": 1, "price": 10}],
            "method": Order.Method.CART,
        }
        ms, (order, created) = timed(lambda: order_create(shop=shop, external_id="api-1", **again), repeat=50)
        assert not created
        self.stdout.write(f"intake repeat (idempotent hit): {ms:.2f} ms")

    def _tasks_and_timeouts(self, user, customer, now):
        """One task and one accepted assignment per order of the manager's (every tenth order), 20 tasks due."""
        mine = list(Order.objects.filter(manager=user).values_list("pk", flat=True))
        Task.objects.bulk_create(
            [
                Task(
                    customer=customer,
                    order_id=pk,
                    assignee=user,
                    text="Call",
                    due_at=now - timedelta(minutes=1) if n < 20 else now + timedelta(days=1),
                    done_at=now if 20 <= n < len(mine) // 2 else None,
                )
                for n, pk in enumerate(mine)
            ],
            batch_size=5000,
        )
        AssignmentDecision.objects.bulk_create(
            [
                AssignmentDecision(order_id=pk, manager=user, rule="even_load", accept_by=now, accepted_at=now)
                for pk in mine
            ],
            batch_size=5000,
        )
        with CaptureQueriesContext(connection) as ctx:
            ms, reminded = timed(tasks_remind_due)
        self.stdout.write(
            f"task reminders, 20 due of {len(mine)}: {ms:.1f} ms, {len(ctx)} queries, sent {reminded}"
        )
        ms, _ = timed(tasks_remind_due, repeat=5)
        self.stdout.write(f"task reminders, nothing due: {ms:.2f} ms")
        ms, _ = timed(assignments_expire, repeat=5)
        self.stdout.write(f"acceptance timeouts, none due of {len(mine)} assignments: {ms:.2f} ms")
        Task.objects.filter(assignee=user, due_at__lte=now).update(done_at=now)
        with CaptureQueriesContext(connection) as ctx:
            ms, found = timed(lambda: order_next_for_manager(user=user, now=now), repeat=5)
        self.stdout.write(
            f"Next button, {len(mine)} orders of the manager's, no due call: {ms:.1f} ms, {len(ctx) // 5} queries"
        )
