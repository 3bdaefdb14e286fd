"""Twilio Voice's webhooks: signed (403 otherwise), POST only, never a 5xx on odd input."""

from calls.services import call_recording_store
from notifications.webhooks import twilio_webhook

# Twilio's recordings last minutes; a number past this is not a length.
LONGEST_RECORDING = 24 * 3600


def _whole(text: str, *, at_most: int) -> int | None:
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 19 and int(text) <= at_most else None


@twilio_webhook
def recording(request):
    """A recording's status callback (the <Dial>'s talk or a <Record>'s voicemail): the call and the kind are in
    the signed query the desk gave Twilio."""
    call_id = _whole(request.GET.get("call", ""), at_most=2**63 - 1)
    if call_id is None:
        return
    call_recording_store(
        call_id=call_id,
        kind=request.GET.get("kind", ""),
        recording_sid=request.POST.get("RecordingSid", "")[:64],
        status=request.POST.get("RecordingStatus", "").lower(),
        duration=_whole(request.POST.get("RecordingDuration", ""), at_most=LONGEST_RECORDING),
    )
