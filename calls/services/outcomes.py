"""What the phone says of a call out. Twilio's status callbacks move the call forward through CallStatus (never
back: a repeated or late callback changes nothing); the end of the <Dial> tells how the customer answered, once:
that is the call's outcome, which desk flow 9 records on the order (the outcome's ladder plans the next call)."""

from django.db import transaction
from django.utils import timezone

from calls import signals
from orders.models import CallOutcome, PhoneCall

State = PhoneCall.State
# Twilio's CallStatus in the order a call goes through them ("initiated" is Twilio's word for queued); the final
# ones share the last rank, so the first of them to arrive stands.
RANK: dict[str, int] = {
    "queued": 0,
    "initiated": 0,
    State.RINGING: 1,
    State.IN_PROGRESS: 2,
    **dict.fromkeys([State.COMPLETED, State.BUSY, State.NO_ANSWER, State.CANCELED, State.FAILED], 3),
}
FINAL_RANK = 3
# Issue 26: answered and talked at least this long is "reached"; a shorter answer is a hang-up, not a talk.
REACHED_AFTER = 10
# How the customer's phone ended (DialCallStatus) when they did not talk: the ladder it climbs. A cancelled dial
# is the manager hanging up while it rang; a failed one, a number that cannot be reached.
MISSED_AS = {
    "busy": CallOutcome.BUSY,
    "no-answer": CallOutcome.NO_ANSWER,
    "canceled": CallOutcome.NO_ANSWER,
    "failed": CallOutcome.UNREACHABLE,
}
TALKED = {"completed", "answered"}


def _call_locked(call_id: int | None, call_sid: str) -> PhoneCall | None:
    """The call a callback is about: by the id the desk signed into its URL, else by Twilio's SID. A callback
    whose SID is another call's than the one its URL names is ignored."""
    calls = PhoneCall.objects.select_for_update().filter(direction=PhoneCall.Direction.OUTBOUND)
    if call_id is not None:
        call = calls.filter(pk=call_id).first()
    else:
        call = calls.filter(call_sid=call_sid).first() if call_sid else None
    if call is not None and call_sid and call.call_sid and call.call_sid != call_sid:
        return None
    return call


@transaction.atomic
def call_status_apply(*, call_id: int | None, call_sid: str, status: str) -> PhoneCall | None:
    """A status callback of the manager's side of a call out: ringing, talking, ended. None: not ours, or a
    status Twilio does not send."""
    call = _call_locked(call_id, call_sid)
    if call is None or status not in RANK:
        return None
    changed = []
    if call_sid and not call.call_sid:  # Twilio's answer to the request never came back: the callback tells it
        call.call_sid = call_sid
        changed.append("call_sid")
    if RANK[status] > RANK[call.state] and call.ended_at is None:
        call.state = status
        changed.append("state")
        now = timezone.now()
        if status == State.IN_PROGRESS:
            call.answered_at = now
            changed.append("answered_at")
        if RANK[status] == FINAL_RANK:
            call.ended_at = now
            changed.append("ended_at")
    if changed:
        call.save(update_fields=changed)
    return call


@transaction.atomic
def call_dial_apply(
    *,
    call_id: int | None,
    call_sid: str,
    dial_status: str,
    talk_seconds: int | None,
    recording_sid: str = "",
    recording_seconds: int | None = None,
) -> PhoneCall | None:
    """The <Dial> to the customer has ended: the call's outcome, told once (a repeat changes nothing), and the
    desk's flow records it on the order. None: not ours, already told, or a status Twilio does not send."""
    call = _call_locked(call_id, call_sid)
    if call is None or call.outcome or not (dial_status in TALKED or dial_status in MISSED_AS):
        return None
    talked = talk_seconds or 0
    if dial_status in TALKED:
        call.outcome = CallOutcome.REACHED if talked >= REACHED_AFTER else CallOutcome.NO_ANSWER
        call.duration = talked
    else:
        call.outcome = MISSED_AS[dial_status]
    if call_sid and not call.call_sid:
        call.call_sid = call_sid
    if recording_sid and not call.recording_sid:
        call.recording_sid, call.recording_duration = recording_sid, recording_seconds
    call.save(update_fields=["outcome", "duration", "call_sid", "recording_sid", "recording_duration"])
    signals.call_outcome_known.send(sender=PhoneCall, call=call)
    return call
