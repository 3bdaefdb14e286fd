"""The push channel: a few words to a person's open desk pages at once, whichever web process holds the page.

On PostgreSQL a push is a NOTIFY on one channel after the change commits; each web process LISTENs on one
connection of its own (shared by all its open streams: a hundred open pages hold one connection, not a hundred)
and hands each push to the streams of the people it names. Under WSGI (runserver, the test server) a stream lives
a few seconds with a LISTEN connection of its own. Another database (the SQLite demo) has no NOTIFY: pushes are
handed over inside the process, and the stream re-reads the record twice a second, so a page in another process
still learns of a call within half a second."""

import asyncio
import json
import logging
import queue
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import psycopg
from django.db import connection, connections, transaction
from psycopg.conninfo import make_conninfo

logger = logging.getLogger(__name__)

CHANNEL = "orderdesk_push"
# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a push names things, the page fetches the rest.
MAX_PAYLOAD = 7000
# The kind of push that makes a person's streams re-read their calls (the record is the truth; the push wakes).
CALL_CHANGED = "call"
# Without NOTIFY a stream looks at the record this often (the card must show within 2 s of the call).
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Push:
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


# Put in a stream's queue when its process's LISTEN connection is lost: the stream ends, the browser reconnects.
CLOSED = Push(kind="")


def uses_notify() -> bool:
    return connection.vendor == "postgresql"


def push_send(*, user_ids: Iterable[int], kind: str, payload: dict[str, Any]) -> None:
    """Tell these people's open pages `kind` (an SSE event name) with `payload` (JSON) once the current
    transaction commits: never a push about a change that was rolled back."""
    users = sorted(set(user_ids))
    message = json.dumps({"users": users, "kind": kind, "payload": payload})
    if len(message.encode()) > MAX_PAYLOAD:
        raise ValueError(f"A push carries at most {MAX_PAYLOAD} bytes; send ids and let the page fetch the rest.")
    if users:
        # robust: a push that cannot go out is logged; the change it tells of is committed and stays.
        transaction.on_commit(lambda: _publish(users, message), robust=True)


def _publish(users: list[int], message: str) -> None:
    if uses_notify():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, message])
    else:
        _in_process.publish(users, message)


def _parse(message: str, user_id: int) -> Push | None:
    """The push in a NOTIFY's payload, if it is for this person."""
    try:
        data = json.loads(message)
        if user_id in data["users"]:
            return Push(kind=str(data["kind"]), payload=dict(data["payload"]))
    except (ValueError, KeyError, TypeError):
        logger.warning("An unreadable push on %s: %.200s", CHANNEL, message)
    return None


def _conninfo() -> str:
    """The desk's own database (the test database in tests), for a connection that only listens."""
    params = connections["default"].get_connection_params()
    keep = ("dbname", "user", "password", "host", "port", "sslmode", "service", "passfile")
    return make_conninfo(**{key: params[key] for key in keep if params.get(key) not in (None, "")})


class _InProcess:
    """Pushes within this process, for a database without NOTIFY: each open stream has a queue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[int, set[queue.SimpleQueue[str]]] = defaultdict(set)

    def subscribe(self, user_id: int) -> "queue.SimpleQueue[str]":
        inbox: queue.SimpleQueue[str] = queue.SimpleQueue()
        with self._lock:
            self._queues[user_id].add(inbox)
        return inbox

    def unsubscribe(self, user_id: int, inbox: "queue.SimpleQueue[str]") -> None:
        with self._lock:
            self._queues[user_id].discard(inbox)

    def publish(self, users: list[int], message: str) -> None:
        with self._lock:
            inboxes = [inbox for user in users for inbox in self._queues.get(user, ())]
        for inbox in inboxes:
            inbox.put(message)


_in_process = _InProcess()


class Listener(Protocol):
    """What a WSGI stream waits on: the next push for its person, or None after `timeout` seconds."""

    def get(self, timeout: float) -> Push | None: ...

    def close(self) -> None: ...


class _ConnectionListener:
    """A LISTEN connection of the stream's own (WSGI: a stream lives seconds, a process serves few)."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.conn = psycopg.connect(_conninfo(), autocommit=True)
        self.conn.execute(f"LISTEN {CHANNEL}")

    def get(self, timeout: float) -> Push | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            for note in self.conn.notifies(timeout=left, stop_after=1):
                push = _parse(note.payload, self.user_id)
                if push is not None:
                    return push
        return None

    def close(self) -> None:
        self.conn.close()


class _QueueListener:
    """A stream's queue of in-process pushes (no NOTIFY)."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.inbox = _in_process.subscribe(user_id)

    def get(self, timeout: float) -> Push | None:
        try:
            return _parse(self.inbox.get(timeout=timeout), self.user_id)
        except queue.Empty:
            return None

    def close(self) -> None:
        _in_process.unsubscribe(self.user_id, self.inbox)


def listener_open(user_id: int) -> Listener:
    """A listener for a stream served by a thread (WSGI)."""
    return _ConnectionListener(user_id) if uses_notify() else _QueueListener(user_id)


class _ProcessListener:
    """The one LISTEN connection of a web process's event loop, shared by every open stream it serves."""

    def __init__(self) -> None:
        self.streams: dict[int, set[asyncio.Queue[Push]]] = defaultdict(set)
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def subscribe(self, user_id: int) -> "asyncio.Queue[Push]":
        inbox: asyncio.Queue[Push] = asyncio.Queue(maxsize=100)
        self.streams[user_id].add(inbox)
        if self.task is None or self.task.done():
            self.ready.clear()
            self.task = asyncio.create_task(self._listen())
        try:
            await asyncio.wait_for(self.ready.wait(), timeout=5)
        except BaseException:
            self.unsubscribe(user_id, inbox)
            raise
        return inbox

    def unsubscribe(self, user_id: int, inbox: "asyncio.Queue[Push]") -> None:
        self.streams[user_id].discard(inbox)
        if not self.streams[user_id]:
            del self.streams[user_id]

    async def _listen(self) -> None:
        try:
            async with await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                self.ready.set()
                async for note in conn.notifies():
                    self._deliver(note.payload)
        except Exception:
            logger.exception("The push channel's LISTEN connection was lost")
        finally:
            self.ready.clear()
            # Every stream ends; each browser reconnects, and its new stream re-reads the record.
            for inboxes in list(self.streams.values()):
                for inbox in inboxes:
                    _offer(inbox, CLOSED)

    def _deliver(self, message: str) -> None:
        for user_id, inboxes in list(self.streams.items()):
            push = _parse(message, user_id)
            if push is not None:
                for inbox in inboxes:
                    _offer(inbox, push)


def _offer(inbox: "asyncio.Queue[Push]", push: Push) -> None:
    try:
        inbox.put_nowait(push)
    except asyncio.QueueFull:  # a stream that stopped reading: its browser gets the record on reconnect
        logger.warning("A push stream is not reading; a push was dropped")


_process_listeners: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _ProcessListener]" = (
    weakref.WeakKeyDictionary()
)


class AsyncListener:
    """What an ASGI stream waits on: the process's LISTEN connection (PostgreSQL), else in-process pushes."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.inbox: asyncio.Queue[Push] | None = None
        self.local: queue.SimpleQueue[str] | None = None

    async def open(self) -> "AsyncListener":
        if uses_notify():
            shared = _process_listeners.setdefault(asyncio.get_running_loop(), _ProcessListener())
            self.inbox = await shared.subscribe(self.user_id)
        else:
            self.local = _in_process.subscribe(self.user_id)
        return self

    async def get(self, timeout: float) -> Push | None:
        if self.inbox is not None:
            try:
                return await asyncio.wait_for(self.inbox.get(), timeout)
            except TimeoutError:
                return None
        assert self.local is not None
        await asyncio.sleep(min(timeout, POLL_SECONDS))  # the stream looks at the record after each tick
        try:
            return _parse(self.local.get_nowait(), self.user_id)
        except queue.Empty:
            return None

    def close(self) -> None:
        if self.inbox is not None:
            _process_listeners[asyncio.get_running_loop()].unsubscribe(self.user_id, self.inbox)
        if self.local is not None:
            _in_process.unsubscribe(self.user_id, self.local)
