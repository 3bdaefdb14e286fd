"""The push channel's figure for `make bench`: from an incoming call's leg written and told (the ring helper's
transaction, call_ringing) to the rung manager's stream (calls:stream, the event loop's reader) sending the event;
p50/p95. PostgreSQL: LISTEN/NOTIFY across connections; SQLite: the stream's half-second look at the record.

Run: `python -m config.bench_push [--calls N]` on a migrated throwaway database (scripts/bench.sh does)."""

import argparse
import asyncio
import os
import queue
import statistics
import threading
import time

import django


def _reader(user_id: int, events: "queue.Queue[tuple[str, float]]", ready: threading.Event) -> None:
    from django.db import connections

    from calls.views.stream import _loop_stream

    async def read() -> None:
        async for chunk in _loop_stream(user_id):
            if chunk.startswith("retry"):
                ready.set()
            if chunk.startswith("event: call"):
                events.put((chunk, time.perf_counter()))
        connections.close_all()

    asyncio.run(read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    calls = parser.parse_args().calls
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from tests.factories import CustomerFactory, ShopFactory, free_manager, ring, ring_end

    tag = int(time.time())
    shop = ShopFactory(code=f"push{tag}", name="Push bench", always_open=True)
    anna = free_manager(username=f"push{tag}", shops=[shop])
    customer = CustomerFactory(shop=shop)
    events: queue.Queue[tuple[str, float]] = queue.Queue()
    ready = threading.Event()
    threading.Thread(target=_reader, args=(anna.pk, events, ready), daemon=True).start()
    if not ready.wait(10):
        raise RuntimeError("the stream did not open")
    delays = []
    for _ in range(calls):
        started = time.perf_counter()
        leg = ring(anna, customer=customer)
        chunk, at = events.get(timeout=10)
        assert f'"leg": {leg.pk}' in chunk and '"ringing"' in chunk, chunk
        delays.append((at - started) * 1000)
        ring_end(leg)
        events.get(timeout=10)  # its end, before the next call
    delays.sort()
    p95 = delays[max(0, round(len(delays) * 0.95) - 1)]
    print(
        f"push channel ({connection.vendor}): call rung → the manager's stream sends it, {calls} calls: "
        f"p50 {statistics.median(delays):.1f} ms, p95 {p95:.1f} ms, max {delays[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
