"""The real twilio client, built from settings; TWILIO_BASE_URL sends its REST calls elsewhere (a local fake
in tests and the demo)."""

from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.exceptions import ChannelError

# Errors that another try will not fix: an invalid or unreachable number, an unsubscribed recipient, a
# WhatsApp message outside the 24-hour window or to a number without WhatsApp.
PERMANENT_CODES = {21211, 21408, 21610, 21612, 21614, 63003, 63016, 63024}
UNSUBSCRIBED = 21610


def client() -> Client:
    if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
        raise ChannelError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).")
    twilio = Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=10),  # the outbox retries, not the client
    )
    if settings.TWILIO_BASE_URL:
        twilio.api.base_url = settings.TWILIO_BASE_URL
    return twilio


def status_callback_url() -> str:
    return settings.SITE_URL + reverse("webhooks:twilio_status")


def create(*, sender: str, **fields) -> str:
    """Send one message through Twilio's Messages API; its SID."""
    if not sender:
        raise ChannelError("No Twilio sender number is configured for this channel.")
    try:
        message = client().messages.create(from_=sender, status_callback=status_callback_url(), **fields)
    except TwilioRestException as exc:
        permanent = exc.code in PERMANENT_CODES or (400 <= exc.status < 500 and exc.status != 429)
        raise ChannelError(f"Twilio: {exc.msg}", code=str(exc.code or exc.status), permanent=permanent) from exc
    except TwilioException as exc:  # no answer, a broken connection
        raise ChannelError(f"Twilio unreachable: {exc}") from exc
    return message.sid
