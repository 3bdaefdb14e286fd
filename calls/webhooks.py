"""Twilio Voice's webhooks (signed, POST only): each parses Twilio's form, calls a service, and answers TwiML
built from what was recorded. Twilio waits on them while the caller listens, so they never answer a 5xx: odd
input, and even a fault of the desk, get a polite TwiML (the fault is logged)."""

import logging

from django.http import HttpResponse

from calls.services import call_arrive, call_dial_apply, call_dial_ended, call_recording_store, call_status_apply
from calls.twiml import call_twiml, goodbye_twiml, no_call_twiml
from notifications.webhooks import twilio_signed, twilio_webhook
from orders.models import PhoneCall

log = logging.getLogger(__name__)
# A call or a recording past a day is not a length.
LONGEST = 24 * 3600


def _twiml(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="text/xml")


def _whole(text: str, *, at_most: int = 2**63 - 1) -> int | None:
    """A whole number Twilio (or the desk's own signed query) wrote; None for anything else."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 19 and int(text) <= at_most else None


def _as_recorded(call: PhoneCall) -> PhoneCall:
    """The call as the desk's flow left it (the flow works on rows of its own)."""
    return PhoneCall.objects.select_related("shop", "customer", "order").get(pk=call.pk)


@twilio_signed
def voice_incoming(request):
    """A customer calls one of the shops' voice numbers (Twilio's voice URL of the number)."""
    call_sid = request.POST.get("CallSid", "")
    if not call_sid or len(call_sid) > 64:
        return _twiml(no_call_twiml())
    try:
        call = call_arrive(
            call_sid=call_sid, from_number=request.POST.get("From", ""), to_number=request.POST.get("To", "")
        )
        if call is None:
            return _twiml(no_call_twiml())
        return _twiml(call_twiml(_as_recorded(call), first=True))
    except Exception:  # the caller hears a polite word, never Twilio's "application error"
        log.exception("Incoming call %s failed", call_sid)
        return _twiml(no_call_twiml())


@twilio_signed
def voice_dial(request):
    """A <Dial> to a manager ended (its action URL names the call and the leg), or the caller's voicemail is done
    (`left=voicemail`)."""
    call_id, leg_id = _whole(request.GET.get("call", "")), _whole(request.GET.get("leg", ""))
    try:
        if call_id is not None and request.GET.get("left") == "voicemail":
            call = PhoneCall.objects.select_related("shop").filter(pk=call_id).first()
        elif call_id is not None and leg_id is not None:
            call = call_dial_ended(
                call_id=call_id,
                leg_id=leg_id,
                dial_status=request.POST.get("DialCallStatus", "").lower(),
                dial_sid=request.POST.get("DialCallSid", ""),
                duration=_whole(request.POST.get("DialCallDuration", ""), at_most=LONGEST) or 0,
                call_status=request.POST.get("CallStatus", "").lower(),
            )
        else:
            call = None
        if call is None:
            return _twiml(no_call_twiml())
        if request.GET.get("left") == "voicemail":
            return _twiml(goodbye_twiml(call))
        return _twiml(call_twiml(_as_recorded(call), first=False))
    except Exception:
        log.exception("A dial's end for call %s failed", call_id)
        return _twiml(no_call_twiml())


@twilio_webhook
def recording(request):
    """A recording's status callback (the <Dial>'s talk or a <Record>'s voicemail): the call and the kind are in
    the signed query the desk gave Twilio."""
    call_id = _whole(request.GET.get("call", ""))
    if call_id is None:
        return
    call_recording_store(
        call_id=call_id,
        kind=request.GET.get("kind", ""),
        recording_sid=request.POST.get("RecordingSid", "")[:64],
        status=request.POST.get("RecordingStatus", "").lower(),
        duration=_whole(request.POST.get("RecordingDuration", ""), at_most=LONGEST),
    )


@twilio_webhook
def voice_status(request):
    """A call out's status callback (`?call=<id>`), and the end of its <Dial> to the customer (`&dial=1`): an
    empty <Response/> hangs the manager's side up once the customer's has ended."""
    call_id = _whole(request.GET.get("call", ""))
    call_sid = request.POST.get("CallSid", "")[:64]
    if request.GET.get("dial"):
        call_dial_apply(
            call_id=call_id,
            call_sid=call_sid,
            dial_status=request.POST.get("DialCallStatus", "").lower(),
            talk_seconds=_whole(request.POST.get("DialCallDuration", ""), at_most=LONGEST),
            recording_sid=request.POST.get("RecordingSid", "")[:64],
            recording_seconds=_whole(request.POST.get("RecordingDuration", ""), at_most=LONGEST),
        )
    else:
        call_status_apply(call_id=call_id, call_sid=call_sid, status=request.POST.get("CallStatus", "").lower())
