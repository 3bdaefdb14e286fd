"""Customers' messages for `make bench`: a history of inbound messages bulk-loaded as the orders are (most about
orders, some in closed conversations of customers of their own), then Twilio's signed inbound webhook calls
through gunicorn from concurrent connections, a share of them from numbers the desk does not know (each a new
customer and conversation, routed in the request)."""

import http.client
import statistics
import threading
import time
import urllib.parse
from datetime import timedelta

from twilio.request_validator import RequestValidator

from notifications.models import Channel, InboundMessage
from orders.models import Conversation, Customer, Order, Shop, ShopAddress

BATCH = 5000
# Of the history's messages, this share is in conversations (ten messages each), the rest about orders.
IN_CONVERSATIONS = 0.1
SHOP_NUMBER = "+74950009999"  # the bench shop's SMS number: where the webhook's strangers write


def inbound_history(*, shop: Shop, customer: Customer, messages: int, now, say) -> None:
    """`messages` inbound messages over the last 100 days: most from `customer` about the bench's orders, a tenth
    in closed conversations (ten messages each, a customer each)."""
    started = time.perf_counter()
    ShopAddress.objects.get_or_create(channel="sms", address=SHOP_NUMBER, defaults={"shop": shop})
    talks = int(messages * IN_CONVERSATIONS) // 10
    people = Customer.objects.bulk_create(
        [Customer(shop=shop, name="", phone=f"+7944{n:07d}") for n in range(talks)], batch_size=BATCH
    )
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(
                shop=shop, customer=person, manager=None, state=Conversation.State.CLOSED,
                close_reason=Conversation.CloseReason.ANSWERED, last_message_at=now - timedelta(days=n % 100),
                closed_at=now - timedelta(days=n % 100), first_reply_due_at=now - timedelta(days=n % 100),
                first_replied_at=now - timedelta(days=n % 100),
            )
            for n, person in enumerate(people)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    orders = list(Order.objects.filter(shop=shop, customer=customer).values_list("pk", flat=True)[:100_000])
    batch: list[InboundMessage] = []
    for n in range(messages):
        talk = conversations[n // 10] if n < talks * 10 else None
        batch.append(
            InboundMessage(
                message_sid=f"SMbench{n:012d}",
                channel=Channel.SMS,
                from_address=talk.customer.phone if talk else customer.phone,
                to_address=SHOP_NUMBER,
                body="Когда привезут?",
                customer=talk.customer if talk else customer,
                order_id=None if talk else orders[n % len(orders)],
                conversation=talk,
            )
        )
        if len(batch) == BATCH:
            InboundMessage.objects.bulk_create(batch)
            batch = []
    InboundMessage.objects.bulk_create(batch)
    say(
        f"loaded {messages:,} inbound messages ({talks:,} closed conversations) in "
        f"{time.perf_counter() - started:.1f} s"
    )


def webhook_load(
    *,
    port: int,
    site_url: str,
    token: str,
    clients: int,
    messages: int,
    known: list[str],
    strangers: range,
    tag: str,
) -> dict:
    """`messages` signed inbound webhook calls from `clients` connections at once: one from each number of
    `strangers` (+7933…, new to the desk), spread evenly, the rest from `known` customers' phones; latency per
    call."""
    validator = RequestValidator(token)
    path = "/webhooks/twilio/inbound/"
    every = messages / len(strangers) if strangers else 0
    results: list[float] = []
    lock = threading.Lock()

    def sender(i: int) -> str:
        if every and i % every < 1 and int(i // every) < len(strangers):
            return f"+7933{strangers[int(i // every)]:07d}"
        return known[i % len(known)]

    def client(first: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(first, messages, clients):
            form = {"MessageSid": f"SM{tag}{i:08d}", "From": sender(i), "To": SHOP_NUMBER, "Body": "Здравствуйте!"}
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": validator.compute_signature(site_url + path, form),
            }
            started = time.perf_counter()
            conn.request("POST", path, urllib.parse.urlencode(form), headers)
            response = conn.getresponse()
            response.read()
            took = (time.perf_counter() - started) * 1000
            if response.status >= 300:
                raise RuntimeError(f"the inbound webhook answered {response.status}")
            with lock:
                results.append(took)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(sorted(results), n=100)
    return {"per_s": len(results) / elapsed, "p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def strangers_routed() -> tuple[int, int]:
    """The conversations the webhook loads' strangers opened, and how many of them have a manager."""
    opened = Conversation.objects.filter(customer__phone__startswith="+7933")
    return opened.count(), opened.filter(manager__isnull=False).count()
