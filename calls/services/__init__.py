"""The calls app's writes, one module per job (each write one transaction); the public names stay importable from
`calls.services`."""

from calls.services.incoming import call_arrive, call_dial_ended, call_ring_next
from calls.services.missed import call_miss
from calls.services.outcomes import call_dial_apply, call_status_apply
from calls.services.placing import call_place, call_place_after_commit, call_place_auto
from calls.services.recordings import RecordingKind, call_recording_store, recording_sid_valid

__all__ = [
    "RecordingKind",
    "call_arrive",
    "call_dial_apply",
    "call_dial_ended",
    "call_miss",
    "call_place",
    "call_place_after_commit",
    "call_place_auto",
    "call_recording_store",
    "call_ring_next",
    "call_status_apply",
    "recording_sid_valid",
]
