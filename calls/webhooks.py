"""Twilio Voice's webhooks (signed, POST only, never a 5xx on odd input); each answers TwiML."""

from calls.services import call_dial_apply, call_status_apply
from notifications.webhooks import twilio_webhook

# A number Twilio sends (an id, seconds): digits only, and short enough for a column.
MAX_DIGITS = 9


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= MAX_DIGITS else None


@twilio_webhook
def voice_status(request):
    """A call out's status callback (`?call=<id>`), and the end of its <Dial> to the customer (`&dial=1`): an
    empty <Response/> hangs the manager's side up once the customer's has ended."""
    call_id = _number(request.GET.get("call", ""))
    call_sid = request.POST.get("CallSid", "")[:64]
    if request.GET.get("dial"):
        call_dial_apply(
            call_id=call_id,
            call_sid=call_sid,
            dial_status=request.POST.get("DialCallStatus", "").lower(),
            talk_seconds=_number(request.POST.get("DialCallDuration", "")),
            recording_sid=request.POST.get("RecordingSid", "")[:64],
            recording_seconds=_number(request.POST.get("RecordingDuration", "")),
        )
    else:
        call_status_apply(call_id=call_id, call_sid=call_sid, status=request.POST.get("CallStatus", "").lower())
