"""The push channel's end in the browser (`calls:stream`): Server-Sent Events for the signed-in person.

On connect the stream tells the calls ringing or talking on this person's phone now (so a page opened, or a
stream reconnected, mid-call shows the card), then each change: a push about a call makes it re-read the
person's legs (the record is the truth; pushes only wake it), other pushes go through as they are. Served by an
event loop (gunicorn's uvicorn workers) it lives minutes on the process's one LISTEN connection; under WSGI
(runserver, the test server) Django would buffer an async iterator whole, so it is a plain generator that ends
after a few seconds and the browser's EventSource reconnects at once."""

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse

from calls.push import CALL_CHANGED, CLOSED, POLL_SECONDS, AsyncListener, Push, listener_open, uses_notify
from calls.selectors import legs_live

# A stream served by a thread holds it: end it soon, the browser reconnects (EventSource's retry below).
WSGI_SECONDS = 20
# One served by the event loop costs almost nothing; it still ends now and then, so a signed-out person's page
# stops hearing within minutes.
ASGI_SECONDS = 300
# A comment line this often keeps proxies from closing a quiet stream and finds a closed tab.
KEEP_ALIVE_SECONDS = 15
RECONNECT_MS = 500


def _event(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


class CallWatch:
    """What one stream has told its page about the person's calls, and what to tell next."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.told: dict[int, str] = {}  # leg id → state told
        self.polls = not uses_notify()  # without NOTIFY, look at the record on every tick
        self.last_sent = time.monotonic()

    def chunks(self, push: Push | None, *, first: bool = False) -> list[str]:
        """What to send after `push` (None: a quiet tick). Reads the database: called in a thread when async."""
        sent = []
        if first:
            sent.append(f"retry: {RECONNECT_MS}\n\n")
        if first or (push is None and self.polls) or (push is not None and push.kind == CALL_CHANGED):
            sent += self._calls()
        elif push is not None:
            sent.append(_event(push.kind, push.payload))
        if sent:
            self.last_sent = time.monotonic()
        elif time.monotonic() - self.last_sent >= KEEP_ALIVE_SECONDS:
            sent.append(": keep-alive\n\n")
            self.last_sent = time.monotonic()
        return sent

    def _calls(self) -> list[str]:
        sent = []
        for leg in legs_live(user_id=self.user_id, watched=list(self.told)):
            if self.told.get(leg.leg_id) != leg.state:
                told = {"call": leg.call_id, "leg": leg.leg_id, "state": leg.state}
                sent.append(_event(CALL_CHANGED, {**told, "card": reverse("calls:card", args=[leg.call_id])}))
            if leg.is_over:
                self.told.pop(leg.leg_id, None)
            else:
                self.told[leg.leg_id] = leg.state
        return sent


def _wait_seconds() -> float:
    return KEEP_ALIVE_SECONDS if uses_notify() else POLL_SECONDS


def _thread_stream(user_id: int) -> Iterator[str]:
    watch, listener = CallWatch(user_id), listener_open(user_id)
    try:
        yield from watch.chunks(None, first=True)
        ends = time.monotonic() + WSGI_SECONDS
        while (left := ends - time.monotonic()) > 0:
            yield from watch.chunks(listener.get(min(left, _wait_seconds())))
    finally:
        listener.close()


async def _loop_stream(user_id: int) -> AsyncIterator[str]:
    watch, listener = CallWatch(user_id), await AsyncListener(user_id).open()
    try:
        for chunk in await sync_to_async(watch.chunks)(None, first=True):
            yield chunk
        ends = time.monotonic() + ASGI_SECONDS
        while (left := ends - time.monotonic()) > 0:
            push = await listener.get(min(left, _wait_seconds()))
            if push is CLOSED:
                return
            for chunk in await sync_to_async(watch.chunks)(push):
                yield chunk
    finally:
        listener.close()


async def stream_view(request: HttpRequest) -> StreamingHttpResponse:
    """The signed-in person's pushes (only theirs: a stream serves the person whose session opened it; the login
    requirement keeps out anyone else)."""
    user = await request.auser()
    assert user.pk is not None  # LoginRequiredMiddleware sent anyone signed out to the sign-in page
    user_id: int = user.pk
    if isinstance(request, WSGIRequest):
        events: Iterator[str] | AsyncIterator[str] = _thread_stream(user_id)
    else:
        events = _loop_stream(user_id)
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
