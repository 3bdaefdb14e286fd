"""Twilio's webhooks: delivery states of messages sent, and customers' messages. Each request must carry a valid
X-Twilio-Signature for the desk's public address (SITE_URL + path: behind a proxy that is what Twilio signed);
each answers an empty TwiML <Response/> at once and never a 5xx on bad input."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from notifications.services import inbound_receive, message_status_apply

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _signed_by_twilio(request) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    url = settings.SITE_URL + request.get_full_path()
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature)


def twilio_signed(view):
    """A Twilio webhook view: POST only, no session or CSRF, refused (403) unless Twilio signed it. The view
    answers the TwiML itself (the voice webhooks tell Twilio what to do next)."""

    @login_not_required
    @csrf_exempt
    @require_POST
    @wraps(view)
    def checked(request):
        if not _signed_by_twilio(request):
            log.warning("Twilio webhook %s refused: bad or missing signature", request.path)
            return HttpResponseForbidden("Invalid Twilio signature.")
        return view(request)

    return checked


def twilio_webhook(view):
    """A Twilio webhook that only tells the desk something: answered with an empty TwiML <Response/>."""

    @twilio_signed
    @wraps(view)
    def answered(request):
        view(request)
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")

    return answered


def _number(text: str) -> int:
    return min(int(text), 100) if text.isdigit() else 0


@twilio_webhook
def twilio_status(request):
    outbox_id = request.GET.get("outbox", "")  # put in the callback URL by the desk, signed with it
    message_status_apply(
        provider_id=request.POST.get("MessageSid", "")[:64],
        status=request.POST.get("MessageStatus", "").lower(),
        error_code=request.POST.get("ErrorCode", "")[:16],
        outbox_id=int(outbox_id) if outbox_id.isdigit() and len(outbox_id) < 19 else None,
    )


@twilio_webhook
def twilio_inbound(request):
    message_sid = request.POST.get("MessageSid", "")[:64]
    if not message_sid:
        return
    inbound_receive(
        message_sid=message_sid,
        from_address=request.POST.get("From", ""),
        to_address=request.POST.get("To", ""),
        body=request.POST.get("Body", "")[:5000],
        media_count=_number(request.POST.get("NumMedia", "")),
    )
