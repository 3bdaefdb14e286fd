"""The push channel: a ringing call reaches the rung manager's open page at once (and nobody else's), across
connections and threads on PostgreSQL (LISTEN/NOTIFY), and within half a second on SQLite by reading the record."""

import asyncio
import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from calls.push import AsyncListener, Push, listener_open, push_send
from calls.views.stream import _loop_stream
from orders.models import CallLeg, PhoneCall
from tests.factories import CustomerFactory, ShopFactory, free_manager, ring, ring_end

pytestmark = pytest.mark.django_db(transaction=True)
# The card must show within 2 s of Twilio's request; the stream's part of it gets well under that.
BOUND = 2.0


@pytest.fixture
def shop(default_pipeline):
    return ShopFactory(name="Green Garden", always_open=True)


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", shops=[shop])


@pytest.fixture
def boris(shop):
    return free_manager(username="boris", shops=[shop])


def _stream(client, user):
    client.force_login(user)
    # Asked from a thread of its own: after a browser test, Playwright's event loop still runs in this one, and
    # Django calls an async view through async_to_sync.
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(client.get, reverse("calls:stream"), HTTP_ACCEPT="text/event-stream").result()
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    return response, iter(response.streaming_content)


def _next_event(events) -> tuple[dict, float]:
    """The next call event on the stream and how long it took to come."""
    started = time.monotonic()
    for chunk in events:
        text = chunk.decode()
        if text.startswith("event: call\n"):
            return json.loads(text.split("data: ", 1)[1]), time.monotonic() - started
    raise AssertionError("the stream ended without a call event")


def test_the_stream_tells_the_rung_manager_of_a_call_and_its_end_and_nothing_of_others(client, shop, anna, boris):
    response, events = _stream(client, anna)
    assert next(events) == b"retry: 500\n\n"  # EventSource reconnects half a second after a stream ends

    ring(boris, customer=CustomerFactory(shop=shop))  # Boris's call is not Anna's business
    leg = ring(anna, customer=CustomerFactory(shop=shop))
    told, took = _next_event(events)
    assert told == {
        "call": leg.call_id,
        "leg": leg.pk,
        "state": "ringing",
        "card": reverse("calls:card", args=[leg.call_id]),
    }
    assert took < BOUND

    ring_end(leg, answered=False)
    told, took = _next_event(events)
    assert (told["leg"], told["state"], took < BOUND) == (leg.pk, "missed", True)
    response.close()


def test_a_page_opened_while_a_call_rings_is_told_of_it_at_once(client, shop, anna):
    leg = ring(anna, customer=CustomerFactory(shop=shop))
    answered = ring_end(ring(anna, customer=CustomerFactory(shop=shop)), answered=True)

    response, events = _stream(client, anna)

    told, _ = _next_event(events)
    assert (told["leg"], told["state"]) == (leg.pk, "ringing")  # not the call already over
    assert answered.pk != leg.pk
    response.close()


def test_the_stream_is_for_signed_in_people_only(client):
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(client.get, reverse("calls:stream"), HTTP_ACCEPT="text/event-stream").result()
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_open_stream_is_not_the_manager_being_active(client, anna):
    response, _ = _stream(client, anna)
    response.close()
    assert "seen_at" not in client.session  # an idle tab that reconnects keeps nobody "active"
    client.get(reverse("orders:list"))
    assert "seen_at" in client.session


def test_a_push_goes_out_only_when_the_change_commits(anna):
    listener = listener_open(anna.pk)
    try:
        with transaction.atomic():
            push_send(user_ids=[anna.pk], kind="note", payload={"n": 1})
            transaction.set_rollback(True)
        assert listener.get(0.5) is None
        with transaction.atomic():
            push_send(user_ids=[anna.pk], kind="note", payload={"n": 2})
        assert listener.get(BOUND) == Push(kind="note", payload={"n": 2})
    finally:
        listener.close()


def test_a_push_too_big_for_notify_is_refused_at_once(anna):
    with pytest.raises(ValueError, match="at most"):
        push_send(user_ids=[anna.pk], kind="note", payload={"text": "x" * 8000})


def test_without_notify_a_call_written_by_another_process_shows_within_half_a_second(
    client, shop, anna, monkeypatch
):
    # The fallback of a database without NOTIFY (SQLite), tried on whichever database the suite runs on.
    monkeypatch.setattr("calls.push.uses_notify", lambda: False)
    monkeypatch.setattr("calls.views.stream.uses_notify", lambda: False)
    response, events = _stream(client, anna)
    next(events)
    call = PhoneCall.objects.create(
        direction="in", shop=shop, customer=CustomerFactory(shop=shop), from_number="+79160000001",
        to_number="+74950000000", started_at=timezone.now(),
    )  # fmt: skip
    # Written with no push, as by a web process the stream does not share.
    leg = CallLeg.objects.create(call=call, manager=anna, rang="+79260000001", started_at=timezone.now())

    told, took = _next_event(events)
    assert told["leg"] == leg.pk and took < 1.0
    response.close()


def _in_thread(coroutine_factory, ready: threading.Event) -> "queue.Queue":
    """Run a reader in a thread of its own (an event loop of its own: another web process's, as far as the
    database can tell) and hand back what it read."""
    got: queue.Queue = queue.Queue()

    def run():
        try:
            got.put(asyncio.run(coroutine_factory()))
        except BaseException as exc:  # the test asserts on it
            got.put(exc)
        finally:
            ready.set()

    threading.Thread(target=run, daemon=True).start()
    return got


@pytest.mark.postgres
def test_a_notify_from_another_connection_reaches_a_stream_reader_in_another_thread(anna, boris):
    ready = threading.Event()

    async def read():
        listener = await AsyncListener(anna.pk).open()  # the process's one LISTEN connection
        ready.set()
        try:
            return await listener.get(5)
        finally:
            listener.close()

    got = _in_thread(read, ready)
    assert ready.wait(5)
    with transaction.atomic():
        push_send(user_ids=[boris.pk], kind="note", payload={"for": "boris"})
        push_send(user_ids=[anna.pk], kind="note", payload={"for": "anna"})
        time.sleep(0.3)
        assert got.empty()  # nothing before the commit
    assert got.get(timeout=BOUND) == Push(kind="note", payload={"for": "anna"})


@pytest.mark.postgres
def test_the_event_loops_stream_tells_a_call_rung_from_another_connection(shop, anna):
    ready = threading.Event()

    async def read():
        stream = _loop_stream(anna.pk)
        try:
            async for chunk in stream:
                if chunk.startswith("retry"):
                    ready.set()
                if chunk.startswith("event: call"):
                    return json.loads(chunk.split("data: ", 1)[1]), time.monotonic()
            return None
        finally:
            await stream.aclose()
            await sync_to_async(connections.close_all)()  # as the ASGI handler does when a request is over

    got = _in_thread(read, ready)
    assert ready.wait(5)
    started = time.monotonic()
    leg = ring(anna, customer=CustomerFactory(shop=shop))
    told, at = got.get(timeout=5)
    assert (told["leg"], told["state"]) == (leg.pk, "ringing")
    assert at - started < BOUND
