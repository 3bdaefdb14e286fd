"""Sending the outbox: a worker claims due rows under `select_for_update(skip_locked=True)` (two workers never
send one row), sends outside any transaction, and records the answer. A row waits while an earlier one for the
same order and endpoint is still waiting or being sent, so a later event never overtakes an earlier one. A failed
try waits longer each time (exponential backoff) up to WEBHOOKS_MAX_ATTEMPTS, then fails for good; a 410 or
WEBHOOKS_DISABLE_AFTER failures in a row switch the endpoint off. The desk tells the admins (signals)."""

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from webhooks import signals, transport
from webhooks.addresses import url_check
from webhooks.exceptions import WebhookError
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.recording import webhooks_send_after_commit
from webhooks.signing import signature

log = logging.getLogger(__name__)
State = WebhookDelivery.State
WAITING = [State.PENDING, State.SENDING]
# A send that has not come back in this long died with its worker: the row goes out again (same event id).
STALLED_SEND = timedelta(minutes=10)
LONGEST_WAIT = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed try: the base delay, doubled each time, at most six hours."""
    return min(timedelta(seconds=settings.WEBHOOKS_RETRY_SECONDS * 2 ** (attempts - 1)), LONGEST_WAIT)


def _due(now: datetime) -> QuerySet[WebhookDelivery]:
    earlier_waiting = WebhookDelivery.objects.filter(
        endpoint=OuterRef("endpoint"), order=OuterRef("order"), pk__lt=OuterRef("pk"), state__in=WAITING
    )
    return (
        WebhookDelivery.objects.filter(endpoint__is_active=True)
        .filter(
            Q(state=State.PENDING, next_try_at__lte=now)
            | Q(state=State.SENDING, claimed_at__lte=now - STALLED_SEND)
        )
        .exclude(Exists(earlier_waiting))
    )


def _claim(rows: QuerySet[WebhookDelivery], now: datetime, batch: int) -> list[WebhookDelivery]:
    """Mark up to `batch` rows as being sent by this worker, skipping rows another worker holds."""
    with transaction.atomic():
        claimed = list(rows.order_by("pk").select_for_update(skip_locked=True, of=("self",))[:batch])
        for delivery in claimed:
            delivery.state, delivery.claimed_at, delivery.attempts = State.SENDING, now, delivery.attempts + 1
        WebhookDelivery.objects.bulk_update(claimed, ["state", "claimed_at", "attempts"])
    return claimed


def webhook_request(delivery: WebhookDelivery, *, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and the signed headers of one try (the timestamp is the try's; the id is the event's)."""
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    return body, {
        "Content-Type": "application/json",
        "User-Agent": "Orderdesk-Webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            delivery.endpoint.secret, message_id=delivery.event_id, timestamp=timestamp, body=body
        ),
    }


def _deliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """One try of a claimed row, outside any transaction (the receiver may be slow), and what came of it."""
    sent_at = timezone.now()
    try:
        target = url_check(delivery.endpoint.url)  # checked again: the host's addresses may have changed
        body, headers = webhook_request(delivery, now=sent_at)
        answer = transport.post(
            target,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT,
            cap=settings.WEBHOOKS_MAX_RESPONSE_BYTES,
        )
    except WebhookError as exc:
        return _record_failure(delivery, str(exc), status=None, excerpt="")
    if 200 <= answer.status < 300:
        return _record_success(delivery, answer)
    if 300 <= answer.status < 400:
        error = gettext("HTTP %(status)s: redirects are not followed; give the final address.")
    else:
        error = gettext("HTTP %(status)s")
    return _record_failure(
        delivery, error % {"status": answer.status}, status=answer.status, excerpt=answer.excerpt
    )


@transaction.atomic
def _record_success(delivery: WebhookDelivery, answer: transport.Answer) -> WebhookDelivery:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk, state=State.SENDING).update(
        state=State.DELIVERED,
        delivered_at=now,
        next_try_at=None,
        response_code=answer.status,
        response_excerpt=answer.excerpt,
        last_error="",
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
        consecutive_failures=0
    )
    delivery.state, delivery.response_code, delivery.delivered_at = State.DELIVERED, answer.status, now
    return delivery


@transaction.atomic
def _record_failure(delivery: WebhookDelivery, error: str, *, status: int | None, excerpt: str) -> WebhookDelivery:
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.consecutive_failures += 1
    gone = status == 410
    if endpoint.is_active and (gone or endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER):
        endpoint.is_active, endpoint.disabled_at = False, now
        endpoint.disabled_reason = (
            gettext("The receiver answered 410 Gone.")
            if gone
            else ngettext(
                "%(count)s failed try in a row; the last: %(error)s",
                "%(count)s failed tries in a row; the last: %(error)s",
                endpoint.consecutive_failures,
            )
            % {"count": endpoint.consecutive_failures, "error": error}
        )[:300]
        signals.endpoint_disabled.send(sender=WebhookEndpoint, endpoint=endpoint)
    endpoint.save(update_fields=["consecutive_failures", "is_active", "disabled_at", "disabled_reason"])
    delivery.endpoint = endpoint
    delivery.response_code, delivery.response_excerpt, delivery.last_error = status, excerpt, error[:500]
    if gone or delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        delivery.state, delivery.next_try_at = State.FAILED, None
    else:
        delivery.state, delivery.next_try_at = State.PENDING, now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["state", "next_try_at", "response_code", "response_excerpt", "last_error"])
    log.warning("Webhook %s (%s) to %s, try %s failed: %s", delivery.pk, delivery.event_type, endpoint.url,
                delivery.attempts, error)  # fmt: skip
    if delivery.state == State.FAILED:
        signals.delivery_failed.send(sender=WebhookDelivery, delivery=delivery)
    return delivery


def webhooks_send_due(
    *, now: datetime | None = None, endpoint_ids: list[int] | None = None, batch: int = 20, budget: float = 40.0
) -> int:
    """Send what is due (to these endpoints, or all), batch by batch within a time budget; the number delivered.
    A row that waited for an earlier one of its order goes in a later batch of the same run."""
    started, delivered = timezone.now(), 0
    while (timezone.now() - started).total_seconds() < budget:
        rows = _due(now or timezone.now())
        if endpoint_ids is not None:
            rows = rows.filter(endpoint_id__in=endpoint_ids)
        claimed = _claim(rows.select_related("endpoint"), now or timezone.now(), batch)
        if not claimed:
            break
        switched_off: set[int] = set()
        for delivery in claimed:
            if delivery.endpoint_id in switched_off:  # switched off by an earlier try of this batch: not a try
                _release(delivery)
                continue
            delivery = _deliver(delivery)
            delivered += delivery.state == State.DELIVERED
            if not delivery.endpoint.is_active:
                switched_off.add(delivery.endpoint_id)
    return delivered


def _release(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, state=State.SENDING).update(
        state=State.PENDING, attempts=delivery.attempts - 1, claimed_at=None
    )


@transaction.atomic
def webhook_deliveries_resend(*, delivery_ids: list[int], now: datetime | None = None) -> int:
    """Send deliveries again from the start, with their event id (a receiver that has it already ignores it);
    those being sent right now are left alone."""
    now = now or timezone.now()
    rows = WebhookDelivery.objects.filter(pk__in=delivery_ids).exclude(state=State.SENDING)
    endpoint_ids = sorted(set(rows.values_list("endpoint_id", flat=True)))
    count = rows.update(state=State.PENDING, attempts=0, next_try_at=now, last_error="")
    if count:
        webhooks_send_after_commit(endpoint_ids=endpoint_ids)
    return count
