"""The voice webhook's figure for `make bench`: Twilio's signed incoming-call requests through gunicorn, 16 calls
at once, on a desk with a million orders of history. Each caller's call rings a manager (the incoming webhook,
timed) and the manager answers (the dial webhook, timed), so the team stays free to take the next calls; a
share of callers are numbers the desk has never seen (a customer record each).

Run alone: python -m config.bench_voice --orders 1000000 (scripts/bench.sh runs it on a throwaway PostgreSQL)."""

import argparse
import http.client
import os
import secrets
import statistics
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from decimal import Decimal

TOKEN, SITE = "bench-voice-token", "https://desk.bench"
SHOP_NUMBER = "+74950000000"


def build(*, orders: int, customers: int, managers: int, say) -> list[str]:
    """The desk's history: `orders` orders of `customers` customers of one shop with a voice number, and
    `managers` Free managers reachable by phone; the known customers' phones."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from assignment.models import ManagerProfile, Presence
    from core import roles
    from orders.models import Customer, Order, Shop, ShopAddress

    now, started = timezone.now(), time.perf_counter()
    shop = Shop.objects.create(code=f"voice{int(now.timestamp())}", name="Voice bench", always_open=True)
    ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address=SHOP_NUMBER)
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"voice-{n}", first_name="Voice", last_name=str(n)) for n in range(managers)]
    )
    Group.objects.get(name=roles.MANAGER).user_set.add(*users)
    ManagerProfile.objects.bulk_create(
        [
            ManagerProfile(user=user, presence=Presence.FREE, phone=f"+7916{n:07d}", quota_override=30_000)
            for n, user in enumerate(users)
        ]
    )
    phones = [f"+7903{n:07d}" for n in range(customers)]
    for first in range(0, customers, 10_000):
        Customer.objects.bulk_create(
            [
                Customer(shop=shop, name=f"Caller {n}", phone=phones[n])
                for n in range(first, min(customers, first + 10_000))
            ]
        )
    customer_ids = list(Customer.objects.filter(shop=shop).order_by("pk").values_list("pk", flat=True))
    for first in range(0, orders, 5000):
        Order.objects.bulk_create(
            [
                Order(
                    shop=shop,
                    customer_id=customer_ids[n % len(customer_ids)],
                    number=f"V{n}",
                    total=Decimal("100"),
                    manager=users[n % len(users)],
                    status_entered_at=now,
                    deadline=now,
                    is_final=n % 50 != 0,  # 2 % (20,000 of a million) still open: the team's load
                )
                for n in range(first, min(orders, first + 5000))
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    say(f"voice bench: loaded {orders:,} orders of {customers:,} customers on {connection.vendor} in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return phones


def _post(conn: http.client.HTTPConnection, url: str, params: dict[str, str]) -> tuple[float, str]:
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TOKEN).compute_signature(url, params)
    started = time.perf_counter()
    conn.request(
        "POST",
        urllib.parse.urlsplit(url)._replace(scheme="", netloc="").geturl(),
        urllib.parse.urlencode(params),
        {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    text = response.read().decode()
    took = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"the voice webhook answered {response.status}: {text[:200]}")
    return took, text


def calls_load(*, port: int, phones: list[str], clients: int, calls: int, strangers: float, tag: str) -> dict:
    """`calls` incoming calls from `clients` callers at once, each answered by the manager it rang."""
    incoming: list[float] = []
    dial: list[float] = []
    rang = [0]
    lock = threading.Lock()

    def caller(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(n, calls, clients):
            stranger = (i % 100) < strangers * 100
            phone = f"+7904{int(tag):02d}{i:05d}" if stranger else phones[(i * 7919) % len(phones)]
            sid = "CA" + secrets.token_hex(16)
            took, text = _post(conn, SITE + "/webhooks/twilio/voice/", {"CallSid": sid, "From": phone,
                               "To": SHOP_NUMBER, "CallStatus": "ringing"})  # fmt: skip
            with lock:
                incoming.append(took)
            dialled = ET.fromstring(text).find("Dial")
            if dialled is None:
                continue  # nobody free at that instant: a missed call (its call-back planned in the request)
            params = {"CallSid": sid, "CallStatus": "in-progress", "DialCallStatus": "completed",
                      "DialCallSid": "CA" + secrets.token_hex(16), "DialCallDuration": "30"}  # fmt: skip
            took, _ = _post(conn, dialled.get("action", ""), params)
            with lock:
                dial.append(took)
                rang[0] += 1
        conn.close()

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    def cut(values: list[float]) -> tuple[float, float]:
        quantiles = statistics.quantiles(sorted(values), n=100)
        return quantiles[49], quantiles[94]

    return {"calls_per_s": len(incoming) / elapsed, "incoming": cut(incoming), "dial": cut(dial),
            "rang": rang[0] / len(incoming)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--managers", type=int, default=32)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ |= {"TWILIO_AUTH_TOKEN": TOKEN, "SITE_URL": SITE}
    import django

    django.setup()
    from django.db import connection

    from config.bench_http import Gunicorn

    phones = build(orders=args.orders, customers=args.customers, managers=args.managers, say=print)
    connection.close()
    rounds = []
    with Gunicorn(workers=4) as server:
        calls_load(port=server.port, phones=phones, clients=args.clients, calls=40, strangers=0.3, tag="9")
        for n in range(args.rounds):
            rounds.append(
                calls_load(port=server.port, phones=phones, clients=args.clients, calls=args.calls,
                           strangers=0.3, tag=str(n))
            )  # fmt: skip
        alone = calls_load(port=server.port, phones=phones, clients=1, calls=100, strangers=0.3, tag="8")
    print(
        f"voice webhook, {args.orders:,} orders of history, one call at a time: incoming p50 "
        f"{alone['incoming'][0]:.0f} / p95 {alone['incoming'][1]:.0f} ms, dial's end p50 {alone['dial'][0]:.0f} / "
        f"p95 {alone['dial'][1]:.0f} ms (100 calls)"
    )
    per_round = " / ".join(f"{figures['incoming'][1]:.0f}" for figures in rounds)
    median = sorted(rounds, key=lambda figures: figures["incoming"][1])[len(rounds) // 2]
    print(
        f"voice webhook, {args.orders:,} orders of history, {args.clients} calls at once: "
        f"incoming p50 {median['incoming'][0]:.0f} / p95 {median['incoming'][1]:.0f} ms, "
        f"dial's end p50 {median['dial'][0]:.0f} / p95 {median['dial'][1]:.0f} ms, "
        f"{median['calls_per_s']:.0f} calls/s, {median['rang']:.0%} rang a manager "
        f"(median of {args.rounds} rounds of {args.calls}; p95 per round "
        f"{per_round} ms)"
    )


if __name__ == "__main__":
    main()
