"""`make bench`: figures for the paths that must stay fast as orders pile up, and intake as storefronts feel it
(real HTTP to gunicorn, concurrent clients, CPU per order). Run it on a throwaway database (make bench does); it
bulk-loads synthetic orders. Prints one table at the end and writes it to bench-results.md."""

import os
import platform
import statistics
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from assignment.routing.sql import Held, held_by_manager
from assignment.services import assignments_expire, conversation_route, order_route
from config import bench_http, bench_inbound, bench_messaging, bench_queue, bench_webhooks
from core import roles
from kpi.models import ManagerDay
from orders.models import Conversation, Customer, Order, Shop, Task
from orders.selectors import order_next_for_manager
from orders.services import order_create, orders_flag_overdue, shop_issue_api_key, tasks_remind_due
from tests.factories import grant, manager

# Views of each page timed: enough that its p95 is not simply its slowest view on a shared machine.
PAGE_SAMPLES = 60


def timed(fn, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - start) / repeat * 1000, result


class Command(BaseCommand):
    help = "Benchmark the overdue sweep, the order list and intake at a given number of orders."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=50_000)
        parser.add_argument(
            "--messages", type=int, default=None, help="customers' inbound messages of history (default: --orders)"
        )
        parser.add_argument(
            "--clients", type=int, default=16, help="storefront connections pushing orders at once"
        )

    def handle(self, *args, orders, clients, messages=None, **options):
        self.rows: list[tuple[str, str]] = []
        self.customers = 0  # intake loads number their customers on from here: every order a new customer
        now = timezone.now()
        # No rate limit for the bench: it measures how fast the desk takes orders, not how it refuses them.
        shop = Shop.objects.create(
            code=f"bench{int(now.timestamp())}", name="Bench", always_open=True, api_requests_per_minute=10**9
        )
        user = manager(username=f"bench{int(now.timestamp())}")
        grant(user, shops=[shop])
        customer = Customer.objects.create(shop=shop, name="Bench buyer", phone="+79990000000")
        key = shop_issue_api_key(shop=shop)
        RoutingSettings.objects.update_or_create(pk=1, defaults={"default_quota": 30_000})
        team = _bulk_managers(16, prefix="load")
        watcher = bench_messaging.still_new_trigger()
        self._http_intake(key, clients, "empty desk", tag="empty")
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
        _settle()
        self.say(f"loaded {orders} orders on {connection.vendor} in {time.perf_counter() - started:.1f} s")

        with CaptureQueriesContext(connection) as ctx:
            ms, flagged = timed(orders_flag_overdue)
        self.say(f"overdue sweep, 20 due of {orders}: {ms:.1f} ms, {len(ctx)} queries, flagged {flagged}")
        ms, flagged = timed(orders_flag_overdue, repeat=5)
        self.say(f"overdue sweep, nothing due of {orders}: {ms:.2f} ms")

        self._tasks_and_timeouts(user, customer, now)
        bench_messaging.stale_triggers(trigger=watcher, now=now, say=self.say, settle=_settle)
        bench_messaging.outbox_drain(customer=customer, now=now, say=self.say)
        bench_webhooks.webhooks_drain(shop=shop, now=now, say=self.say)

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
            self.say(f"{label}: {ms:.1f} ms per page, {len(ctx) // 5} queries, HTTP {response.status_code}")

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
        self.say(f"intake API: {count} new orders in {ms / 1000:.2f} s = {count / (ms / 1000):.0f} orders/s")
        again: dict[str, Any] = {  # api-1 exactly as the storefront sent it
            "customer": {"name": "X", "phone": "+79950000001", "email": "", "legal_type": "", "is_vip": False},
            "items": [{"sku": "", "name": "Teapot", "qty": 1, "price": 10}],
            "method": Order.Method.CART,
        }
        ms, (order, created) = timed(lambda: order_create(shop=shop, external_id="api-1", **again), repeat=50)
        assert not created
        self.say(f"intake repeat (idempotent hit): {ms:.2f} ms")
        _settle()  # after the bulk-made tasks, decisions, firings and messages too
        self._http_intake(key, clients, f"{orders:,} orders of history", tag="history")
        messages = orders if messages is None else messages
        bench_inbound.inbound_history(shop=shop, customer=customer, messages=messages, now=now, say=self.say)
        _settle()
        self._http_inbound(clients, f"{orders:,} orders and {messages:,} messages of history")
        self._pages(shop, user)
        self._storefront_reads(shop, key, orders)
        bench_queue.queue_drain(shop=shop, team=team, room=2000, say=self.say)
        self._routing_at_scale(shop, team)
        self._conversation_routing(shop)
        self._invariants()
        self._table(orders)

    def say(self, line: str) -> None:
        """Print a figure ("label: value") and keep it for the table at the end."""
        self.stdout.write(line)
        label, _, value = line.partition(": ")
        self.rows.append((label, value))

    def _http_intake(
        self, key: str, clients: int, label: str, *, tag: str, count: int = 400, rounds: int = 3
    ) -> None:
        """Intake through gunicorn: `rounds` loads of `count` orders after a warm-up; the figures are the median
        round's (the machine is shared: one round can land on a busy moment)."""
        pg_root = bench_http.postgres_root()
        connection.close()  # gunicorn's workers and this process each keep their own connections
        measured = []
        with bench_http.Gunicorn(workers=4) as server:

            def load(orders: int, tag: str) -> dict:
                self.customers += orders  # every order from a customer the desk has not seen
                return bench_http.intake_load(
                    port=server.port,
                    key=key,
                    clients=clients,
                    orders=orders,
                    tag=tag,
                    first_customer=self.customers,
                )

            load(40, f"{tag}-warm")
            for n in range(rounds):
                app_before = bench_http.tree_cpu_ms(server.process.pid)
                pg_before = bench_http.tree_cpu_ms(pg_root) if pg_root else 0.0
                figures = load(count, f"{tag}{n}")
                figures["app_cpu"] = (bench_http.tree_cpu_ms(server.process.pid) - app_before) / count
                figures["pg_cpu"] = (bench_http.tree_cpu_ms(pg_root) - pg_before) / count if pg_root else 0.0
                measured.append(figures)
        median = sorted(measured, key=lambda figures: figures["app_cpu"] + figures["pg_cpu"])[len(measured) // 2]
        spread = [f"{figures['app_cpu'] + figures['pg_cpu']:.1f}" for figures in measured]
        self.say(
            f"intake over HTTP, {label}, {clients} clients: {median['orders_per_s']:.0f} orders/s, "
            f"p50 {median['p50']:.0f} / p95 {median['p95']:.0f} / p99 {median['p99']:.0f} ms, "
            f"CPU per order {median['app_cpu']:.1f} ms app + {median['pg_cpu']:.1f} ms PostgreSQL "
            f"(median of {rounds} rounds of {count}: {' / '.join(spread)} ms), "
            f"{median['routed']:.0%} routed in the request"
        )

    def _http_inbound(
        self, clients: int, label: str, *, count: int = 400, rounds: int = 3, strangers: float = 0.3
    ) -> None:
        """Twilio's signed inbound webhook through gunicorn: `rounds` loads of `count` messages after a warm-up,
        `strangers` of them from new numbers (a customer, a conversation and its routing each); the median round's
        figures."""
        known = list(Customer.objects.filter(phone__startswith="+7977").values_list("phone", flat=True)[:2000])
        token, site = "bench-twilio-token", "https://desk.bench"
        os.environ |= {"TWILIO_AUTH_TOKEN": token, "SITE_URL": site}  # what gunicorn's desk checks signatures with
        connection.close()
        measured, first = [], 0
        with bench_http.Gunicorn(workers=4) as server:
            for n, size in enumerate([40] + [count] * rounds):
                new = range(first, first + round(size * strangers))
                first = new.stop
                figures = bench_inbound.webhook_load(
                    port=server.port, site_url=site, token=token, clients=clients, messages=size, known=known,
                    strangers=new, tag=f"in{n}",
                )  # fmt: skip
                if n:  # the first: the warm-up
                    measured.append(figures)
        median = sorted(measured, key=lambda figures: figures["p95"])[len(measured) // 2]
        opened, routed = bench_inbound.strangers_routed()
        self.say(
            f"inbound webhook, {label}, {clients} clients, {strangers:.0%} from new numbers: "
            f"{median['per_s']:.0f} messages/s, p50 {median['p50']:.0f} / p95 {median['p95']:.0f} / "
            f"p99 {median['p99']:.0f} ms (median of {rounds} rounds of {count}); "
            f"{opened} new conversations, {routed} routed in the request"
        )

    def _pages(self, shop, user) -> None:
        boss = manager(username=f"bench-boss{int(time.time())}")
        boss.is_superuser = True
        boss.save()
        order = Order.objects.filter(shop=shop, manager=user).first()
        assert order is not None  # the bench gave the user orders
        bench_kpi_rollups(days=30)
        for label, who, url in [
            ("dashboard", boss, "/dashboard/"),
            ("KPI page, 30 days", boss, "/kpi/?period=30d"),
            ("order page", user, f"/orders/{order.pk}/"),
            ("order list, all", boss, "/orders/?scope=all"),
        ]:
            self._page(label, who, url)
        # Today is computed live: the same page on a day as busy as the whole history of assignments above.
        now = timezone.now()
        busy = AssignmentDecision.objects.filter(manager=user).update(
            created_at=now, accept_by=now, accepted_at=now
        )
        Task.objects.filter(assignee=user, done_at__isnull=False).update(done_at=now)
        self._page(f"KPI page, 30 days, today {busy:,} assignments", boss, "/kpi/?period=30d")

    def _storefront_reads(self, shop, key: str, orders: int) -> None:
        """The status API and the changes list as a storefront reads them, among all the bench's orders: one order
        by its external id, a page of 50 from the middle of the bulk-loaded history (updated_since), the page after
        it (cursor), and a page of orders made through intake (items, status lines)."""
        auth = {"Authorization": f"Bearer {key}"}
        self._page(f"status API, 1 order of {orders:,}", None, "/api/v1/orders/api-7/", headers=auth)
        span = Order.objects.filter(shop=shop).aggregate(
            first=models.Min("updated_at"), last=models.Max("updated_at")
        )
        middle = (span["first"] + (span["last"] - span["first"]) / 2).isoformat()
        url = f"/api/v1/orders/?{urlencode({'updated_since': middle})}"
        self._page(f"changes list, 50 from the middle of {orders:,}", None, url, headers=auth)
        cursor = Client(SERVER_NAME="localhost").get(url, headers=auth).json()["next_cursor"]
        url = f"/api/v1/orders/?{urlencode({'cursor': cursor})}"
        self._page("changes list, the page after (cursor)", None, url, headers=auth)
        made = Order.objects.get(shop=shop, external_id="api-0").updated_at.isoformat()
        url = f"/api/v1/orders/?{urlencode({'updated_since': made})}"
        self._page("changes list, 50 orders made through intake", None, url, headers=auth)

    def _page(self, label: str, who, url: str, headers: dict[str, str] | None = None) -> None:
        """A page's p50/p95 over PAGE_SAMPLES views, signed in as `who` (None: a storefront's key in `headers`)."""
        client = Client(SERVER_NAME="localhost", headers=headers)
        if who is not None:
            client.force_login(who)
        client.get(url)
        times = []
        with CaptureQueriesContext(connection) as ctx:
            for _ in range(PAGE_SAMPLES):
                ms, response = timed(lambda: client.get(url))
                times.append(ms)
        cuts = statistics.quantiles(times, n=20)
        self.say(
            f"{label}: p50 {cuts[9]:.1f} / p95 {cuts[18]:.1f} ms, {len(ctx) // PAGE_SAMPLES} queries, "
            f"HTTP {response.status_code}"
        )

    def _routing_at_scale(self, shop, team) -> None:
        per_decision = {}
        for size in (len(team), 1000):
            _bulk_managers(size - ManagerProfile.objects.filter(user__username__startswith="load").count(), "load")
            waiting = [
                order_create(
                    shop=shop,
                    customer={
                        "name": "R",
                        "phone": f"+7966{size:03d}{n:04d}",
                        "email": "",
                        "legal_type": "",
                        "is_vip": False,
                    },
                    items=[{"sku": "", "name": "Cup", "qty": 1, "price": 1}],
                )[0]
                for n in range(30)
            ]
            Order.objects.filter(pk__in=[o.pk for o in waiting]).update(manager=None)
            ms, _ = timed(lambda waiting=waiting: [order_route(order_id=o.pk) for o in waiting])
            per_decision[size] = ms / len(waiting)
        small, large = per_decision.values()
        self.say(
            f"routing per decision: {small:.1f} ms at {len(team)} managers, {large:.1f} ms at 1,000 "
            f"({large / small:.1f}x)"
        )

    def _conversation_routing(self, shop, count: int = 60) -> None:
        """First messages from new numbers, each routed on its own (as the inbound webhook does) across the team
        as it stands (1,000 managers after the routing figures): p50 and p95 of one conversation's routing."""
        first = Conversation.objects.count()  # new numbers each run
        customers = Customer.objects.bulk_create(
            Customer(shop=shop, name="", phone=f"+7967{first + n:07d}") for n in range(count)
        )
        now = timezone.now()
        conversations = Conversation.objects.bulk_create(
            Conversation(shop=shop, customer=customer, last_message_at=now) for customer in customers
        )
        times, routed = [], 0
        for conversation in conversations:
            ms, decision = timed(lambda pk=conversation.pk: conversation_route(conversation_id=pk))
            times.append(ms)
            routed += decision is not None
        cuts = statistics.quantiles(times, n=20)
        managers = ManagerProfile.objects.count()
        self.say(
            f"routing a conversation, {managers:,} managers: p50 {cuts[9]:.1f} / p95 {cuts[18]:.1f} ms "
            f"({routed} of {count} routed)"
        )

    def _invariants(self) -> None:
        routing = RoutingSettings.load()
        profiles = list(ManagerProfile.objects.all())
        held = held_by_manager([p.user_id for p in profiles])
        # Open orders, and open conversations at their weight, against each quota.
        over = [
            p
            for p in profiles
            if held.get(p.user_id, Held()).load(routing.conversation_weight) > p.quota_or(routing.default_quota)
        ]
        # Every order pushed over HTTP was routed once: a second decision would mean two routers took it.
        pushed = Order.objects.filter(external_id__regex=r"^(empty|history)-")
        twice = (
            AssignmentDecision.objects.filter(order__in=pushed)
            .values("order")
            .annotate(n=models.Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        self.say(f"after the load: {len(over)} quota violations, {twice} orders routed twice")

    def _table(self, orders: int) -> None:
        machine = f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            database = cursor.fetchone()[0].split(" on ")[0]
        lines = [
            f'`make bench ARGS="--orders {orders}"` on {machine}; {database}; {timezone.now():%Y-%m-%d}',
            "",
            "| figure | value |",
            "|---|---|",
            *[f"| {label} | {value} |" for label, value in self.rows],
        ]
        table = "\n".join(lines)
        self.stdout.write("\n" + table)
        Path("bench-results.md").write_text(table + "\n")
        self.stdout.write("\n(written to bench-results.md)")

    def _tasks_and_timeouts(self, user, customer, now):
        """One task and one accepted assignment per order of the manager's (every tenth order), 20 tasks due;
        closed tasks and assignments spread over the last 100 days, as a desk's history is."""
        mine = list(Order.objects.filter(manager=user).values_list("pk", flat=True))

        def day(n: int):
            return now - timedelta(days=n % 100, minutes=10)

        Task.objects.bulk_create(
            [
                Task(
                    customer=customer,
                    order_id=pk,
                    assignee=user,
                    text="Call",
                    due_at=now - timedelta(minutes=1) if n < 20 else now + timedelta(days=1),
                    done_at=day(n) if 20 <= n < len(mine) // 2 else None,
                )
                for n, pk in enumerate(mine)
            ],
            batch_size=5000,
        )
        AssignmentDecision.objects.bulk_create(
            [
                AssignmentDecision(
                    order_id=pk,
                    manager=user,
                    rule="even_load",
                    created_at=day(n),
                    accept_by=day(n) + timedelta(minutes=5),
                    accepted_at=day(n) + timedelta(minutes=2),
                )
                for n, pk in enumerate(mine)
            ],
            batch_size=5000,
        )
        with CaptureQueriesContext(connection) as ctx:
            ms, reminded = timed(tasks_remind_due)
        self.say(f"task reminders, 20 due of {len(mine)}: {ms:.1f} ms, {len(ctx)} queries, sent {reminded}")
        ms, _ = timed(tasks_remind_due, repeat=5)
        self.say(f"task reminders, nothing due: {ms:.2f} ms")
        ms, _ = timed(assignments_expire, repeat=5)
        self.say(f"acceptance timeouts, none due of {len(mine)} assignments: {ms:.2f} ms")
        Task.objects.filter(assignee=user, due_at__lte=now).update(done_at=now)
        with CaptureQueriesContext(connection) as ctx:
            ms, found = timed(lambda: order_next_for_manager(user=user, now=now), repeat=5)
        self.say(
            f"Next button, {len(mine)} orders of the manager's, no due call: {ms:.1f} ms, {len(ctx) // 5} queries"
        )


def bench_kpi_rollups(*, days: int) -> int:
    """A month of nightly rollups for every manager, as the KPI page finds them on a desk in use."""
    today = timezone.localdate()
    rows = [
        ManagerDay(manager_id=pk, day=today - timedelta(days=d), taken=10, completed=8, ratings=[0, 1, 1, 3, 5],
                   first_touch={"7": 1, "10": 1, "14": 1})
        for pk in ManagerProfile.objects.values_list("user_id", flat=True)
        for d in range(1, days)
    ]  # fmt: skip
    return len(ManagerDay.objects.bulk_create(rows, ignore_conflicts=True))


def _settle() -> None:
    """What autovacuum would do after bulk loads this size, done now: plans need the statistics, and a vacuum of
    a million new rows must not run during (and be counted in) the figures that follow."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _bulk_managers(count: int, prefix: str) -> list:
    """Managers on duty with room to spare, made in bulk (no password hashing): routing's candidates."""
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"{prefix}-{time.time_ns()}-{n}", first_name="Load") for n in range(count)]
    )
    group = Group.objects.get(name=roles.MANAGER)
    group.user_set.add(*users)
    ManagerProfile.objects.bulk_create(
        [ManagerProfile(user=user, presence=Presence.FREE, quota_override=30_000) for user in users]
    )
    return users
