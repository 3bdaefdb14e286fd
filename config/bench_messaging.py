"""Messaging's figures for `make bench`: the every-minute stale-status trigger check at scale (it must read only
the firings that are due), and how fast four workers drain the outbox to a (fake) Twilio."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.fake_twilio import FakeTwilio
from desk.flows import stale_triggers_fire
from notifications.models import MessageTemplate, OutboundMessage, Trigger, TriggerFiring
from notifications.services import outbox_send_due
from orders.models import Order, Status


def still_new_trigger() -> Trigger:
    """A "has stayed" trigger on New, as a desk has: every order taken in plans a firing for it."""
    template = MessageTemplate.objects.create(
        name=f"Bench reminder {time.time_ns()}", channel="sms", body="Order {{ order.number }} waits for you."
    )
    return Trigger.objects.create(
        name="Bench: still new", status=Status.objects.get(code="new"), when="stays", after=timedelta(hours=1),
        template=template,
    )  # fmt: skip


def stale_triggers(*, trigger: Trigger, now, say, settle, every: int = 10, due: int = 20) -> None:
    """The trigger watching every `every`-th order of the bulk-loaded history, `due` of them due now (timed once
    the database has `settle`d after the bulk inserts)."""
    planned_by_intake = TriggerFiring.objects.filter(trigger=trigger).values("order_id")
    watched = (
        Order.objects.filter(status="new", is_final=False)
        .exclude(pk__in=planned_by_intake)
        .values_list("pk", "status_entered_at")
    )
    batch, planned = [], 0
    for n, (pk, entered) in enumerate(watched.iterator(chunk_size=10_000)):
        if n % every:
            continue
        when = now - timedelta(minutes=1) if planned < due else now + timedelta(days=1)
        batch.append(TriggerFiring(trigger=trigger, order_id=pk, entered_at=entered, due_at=when))
        planned += 1
        if len(batch) == 5000:
            TriggerFiring.objects.bulk_create(batch)
            batch = []
    TriggerFiring.objects.bulk_create(batch)
    settle()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        fired = stale_triggers_fire(now=now)
        ms = (time.perf_counter() - started) * 1000
    say(f"stale-status triggers, {due} due of {planned:,} planned: {ms:.1f} ms, {len(ctx)} queries, fired {fired}")
    started = time.perf_counter()
    for _ in range(5):
        stale_triggers_fire(now=now)
    say(f"stale-status triggers, nothing due: {(time.perf_counter() - started) / 5 * 1000:.2f} ms")


def outbox_drain(*, customer, now, say, count: int = 400, workers: int = 4) -> None:
    """`count` messages waiting, `workers` threads sending them to a fake Twilio on 127.0.0.1."""
    fake = FakeTwilio(token="bench-token").start()
    saved = {
        name: getattr(settings, name)
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_FROM", "TWILIO_BASE_URL")
    }
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "0" * 32, "bench-token"
    settings.TWILIO_SMS_FROM, settings.TWILIO_BASE_URL = "+15005550006", fake.base_url
    try:
        OutboundMessage.objects.bulk_create(
            [
                OutboundMessage(
                    customer=customer,
                    channel="sms",
                    purpose="manual",
                    to=f"+7998{n:07d}",
                    body="Hello",
                    next_try_at=now,
                )
                for n in range(count)
            ]
        )
        if connection.vendor != "postgresql":
            workers = 1  # SQLite has one writer: threads would only wait for each other
        sent = [0] * workers

        def work(i):
            try:
                sent[i] = outbox_send_due(now=now, batch=20)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        accepted = [
            message.form["To"] for message in fake.sent if message.sid and message.form["To"].startswith("+7998")
        ]
        say(
            f"outbox drain, {workers} workers to a fake Twilio: {sum(sent)} messages in {seconds:.2f} s = "
            f"{sum(sent) / seconds:.0f} messages/s, {len(accepted) - len(set(accepted))} sent twice"
        )
    finally:
        fake.stop()
        for name, value in saved.items():
            setattr(settings, name, value)
