"""The real twilio client, built from settings; TWILIO_BASE_URL sends its REST calls elsewhere (a local fake
in tests and the demo)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from notifications.exceptions import ChannelError

# Errors that another try will not fix: an invalid or unreachable number, an unsubscribed recipient, a
# WhatsApp message outside the 24-hour window or to a number without WhatsApp.
PERMANENT_CODES = {21211, 21408, 21610, 21612, 21614, 63003, 63016, 63024}
UNSUBSCRIBED = 21610
# Twilio's clock and ours may differ a little: a message taken late is looked for from a bit before the try.
CLOCK_SLACK = timedelta(minutes=2)


def client() -> Client:
    if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
        raise ChannelError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).")
    twilio = Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT),  # the outbox retries, not the client
    )
    if settings.TWILIO_BASE_URL:
        twilio.api.base_url = settings.TWILIO_BASE_URL
    return twilio


def status_callback_url(outbox_id: int) -> str:
    """Twilio signs the whole URL, so the outbox row's id in it cannot be forged; it lets a callback find its
    row even when the send timed out before Twilio's answer (and its SID) came back."""
    return f"{settings.SITE_URL}{reverse('webhooks:twilio_status')}?outbox={outbox_id}"


def _never_left(exc: requests.RequestException) -> bool:
    """The connection was never made (refused, no DNS, a connect timeout, a failed TLS handshake): Twilio
    certainly did not get the request. Anything else (a read timeout, a connection dropped mid-way) may have
    reached it."""
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _channel_error(exc: Exception) -> ChannelError:
    if isinstance(exc, TwilioRestException):
        permanent = exc.code in PERMANENT_CODES or (400 <= exc.status < 500 and exc.status != 429)
        return ChannelError(f"Twilio: {exc.msg}", code=str(exc.code or exc.status), permanent=permanent)
    maybe_taken = "Twilio may have taken the message: it is looked up before another try"
    if isinstance(exc, requests.Timeout) and not isinstance(exc, requests.exceptions.ConnectTimeout):
        return ChannelError(
            f"Twilio did not answer in time. {maybe_taken}. ({exc})", code="timeout", uncertain=True
        )
    if isinstance(exc, requests.RequestException) and not _never_left(exc):
        return ChannelError(
            f"The connection to Twilio broke. {maybe_taken}. ({exc})", code="dropped", uncertain=True
        )
    if isinstance(exc, requests.RequestException):
        return ChannelError(f"Twilio could not be reached: {exc}", code="unreachable")
    return ChannelError(f"Twilio unreachable: {exc}")


def create(*, sender: str, outbox_id: int, **fields: Any) -> str:
    """Send one message through Twilio's Messages API; its SID."""
    if not sender:
        raise ChannelError("No Twilio sender number is configured for this channel.")
    try:
        message = client().messages.create(from_=sender, status_callback=status_callback_url(outbox_id), **fields)
    except (TwilioException, requests.RequestException) as exc:
        raise _channel_error(exc) from exc
    sid: str = message.sid  # the twilio client is untyped
    return sid


@contextmanager
def _looking_up(what: str) -> Iterator[None]:
    """A look-up Twilio could not answer leaves it as uncertain as before: another try must still not go
    blindly."""
    try:
        yield
    except (TwilioException, requests.RequestException) as exc:
        error = _channel_error(exc)
        raise ChannelError(f"Looking the {what} up: {error}", code=error.code, uncertain=True) from exc


def taken_since(*, sender: str, to: str, since: datetime, body: str = "") -> list[str]:
    """The SIDs of messages Twilio took from `sender` to `to` since `since` (with this body, when the message
    was free text), oldest first: a try whose outcome was uncertain looks here before sending again."""
    since = (since - CLOCK_SLACK).astimezone(UTC)
    with _looking_up("message"):
        # Twilio's filter may only honour the date: the time and the body are checked here too.
        listed = client().messages.list(to=to, from_=sender, date_sent_after=since, limit=100)
    taken = [
        message
        for message in listed
        if (message.date_created or message.date_sent or since) >= since and (not body or message.body == body)
    ]
    return [message.sid for message in sorted(taken, key=lambda message: message.date_created or since)]


def call_create(*, to: str, from_: str, twiml: str, status_callback: str, events: list[str]) -> str:
    """Ask Twilio's Calls API to place a call (to `to`, showing `from_`, running `twiml` once it answers); its
    SID. A ChannelError says how it failed: `uncertain` when Twilio may have placed it anyway."""
    try:
        call = client().calls.create(
            to=to, from_=from_, twiml=twiml, status_callback=status_callback, status_callback_event=events
        )
    except (TwilioException, requests.RequestException) as exc:
        raise _channel_error(exc) from exc
    sid: str = call.sid
    return sid


def calls_placed_since(*, to: str, from_: str, since: datetime) -> list[tuple[str, str]]:
    """(SID, status) of the calls Twilio placed from `from_` to `to` since `since`, oldest first: a call whose
    placing was uncertain is looked up here before another is placed."""
    since = (since - CLOCK_SLACK).astimezone(UTC)
    with _looking_up("call"):
        listed = client().calls.list(to=to, from_=from_, start_time_after=since, limit=20)
    placed = [call for call in listed if (call.start_time or call.date_created or since) >= since]
    placed.sort(key=lambda call: call.start_time or call.date_created or since)
    return [(call.sid, call.status) for call in placed]
