"""Webhooks' figure for `make bench`: how fast four workers send signed deliveries to a receiver on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import uuid4

from django.conf import settings
from django.db import connection

from orders.models import Order, Shop
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from webhooks.services import webhooks_send_due
from webhooks.signing import secret_new


def _receiver() -> tuple[ThreadingHTTPServer, list[str]]:
    """A shop's site on 127.0.0.1 that answers 204 and keeps each event id it is sent."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(self.headers["webhook-id"])
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def webhooks_drain(*, shop: Shop, now, say, orders: int = 100, events: int = 4, workers: int = 4) -> None:
    """`orders` × `events` deliveries waiting (each order's in sequence), `workers` threads sending them."""
    server, received = _receiver()
    saved = {name: getattr(settings, name) for name in ("DEBUG", "WEBHOOKS_ALLOW_PRIVATE")}
    settings.DEBUG, settings.WEBHOOKS_ALLOW_PRIVATE = True, True  # plain http to 127.0.0.1, for the bench only
    try:
        endpoint = WebhookEndpoint.objects.create(
            shop=shop,
            url=f"http://127.0.0.1:{server.server_address[1]}/hooks",
            secret=secret_new(),
            events=EventType.values,
        )
        rows = []
        for step in range(events):
            for order_id in Order.objects.filter(shop=shop).order_by("pk").values_list("pk", flat=True)[:orders]:
                event_id = f"evt_{uuid4().hex}"
                body = {"id": event_id, "type": "order.status_changed", "data": {"order": {"step": step}}}
                rows.append(
                    WebhookDelivery(
                        endpoint=endpoint, event_id=event_id, event_type="order.status_changed",
                        order_id=order_id, payload=json.loads(json.dumps(body)), next_try_at=now,
                    )
                )  # fmt: skip
        WebhookDelivery.objects.bulk_create(rows)
        if connection.vendor != "postgresql":
            workers = 1  # SQLite has one writer: threads would only wait for each other
        sent = [0] * workers

        def work(i):
            try:
                sent[i] = webhooks_send_due(now=now, endpoint_ids=[endpoint.pk], batch=20)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        say(
            f"webhooks, {workers} workers to a receiver on 127.0.0.1: {sum(sent)} deliveries in {seconds:.2f} s = "
            f"{sum(sent) / seconds:.0f} deliveries/s, {len(received) - len(set(received))} sent twice"
        )
    finally:
        server.shutdown()
        server.server_close()
        for name, value in saved.items():
            setattr(settings, name, value)
