"""Intake as storefronts feel it, for `make bench`: real HTTP to gunicorn, concurrent clients, and the CPU the
app and PostgreSQL spent per order, read from /proc (Linux)."""

import http.client
import json
import os
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

from django.db import connection

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    # The command name may hold spaces: the fields that follow it start after the last ")".
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_ms(pid: int, *, with_exited_children: bool = False) -> float:
    fields = _stat(pid)  # fields[11:15]: utime, stime, cutime, cstime
    ticks = int(fields[11]) + int(fields[12])
    if with_exited_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks * TICK_MS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


def tree_cpu_ms(root: int) -> float:
    """CPU of a server: its live children and the root, with what exited children used."""
    total = _cpu_ms(root, with_exited_children=True)
    for child in _children(root):
        try:
            total += _cpu_ms(child)
        except FileNotFoundError:
            continue
    return total


def postgres_root() -> int | None:
    """The postmaster of the database this process uses (the parent of our backend), if it runs here."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        return int(_stat(backend)[1])
    except FileNotFoundError:
        return None  # a server on another machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving this project on a free loopback port, for the length of a `with`."""

    def __init__(self, workers: int = 4):
        self.port, self.workers = _free_port(), workers

    def __enter__(self):
        env = {**os.environ, "DEBUG": "0", "REQUEST_LOG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
        self.process = subprocess.Popen(
            [".venv/bin/gunicorn", "config.wsgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)


def intake_load(*, port: int, key: str, clients: int, orders: int, tag: str, first_customer: int = 0) -> dict:
    """`orders` new orders pushed by `clients` storefront connections at once, each from a customer of their own
    (numbered from `first_customer`); latency per order and who got it."""
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()

    def client(n: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(n, orders, clients):
            body = json.dumps(
                {
                    "external_id": f"{tag}-{i}",
                    "customer": {"name": f"Load buyer {i}", "phone": f"+7977{(first_customer + i) % 10**7:07d}"},
                    "items": [{"sku": "L-1", "name": "Teapot", "qty": 1, "price": "990"}],
                }
            )
            started = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/orders/",
                body,
                {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            answer = json.loads(response.read())
            took = (time.perf_counter() - started) * 1000
            if response.status != 201:
                raise RuntimeError(f"intake answered {response.status}: {answer}")
            with lock:
                results.append((took, answer["manager"] is not None))
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(took for took, _ in results)
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "orders_per_s": len(results) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "routed": sum(routed for _, routed in results) / len(results),
    }
