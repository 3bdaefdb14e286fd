"""The calls app's writes, one module per job (each write one transaction); the public names stay importable from
`calls.services`."""

from calls.services.incoming import call_arrive, call_dial_ended, call_ring_next
from calls.services.missed import call_miss
from calls.services.recordings import RecordingKind, call_recording_store, recording_sid_valid

__all__ = [
    "RecordingKind",
    "call_arrive",
    "call_dial_ended",
    "call_miss",
    "call_recording_store",
    "call_ring_next",
    "recording_sid_valid",
]
