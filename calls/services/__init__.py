"""The calls app's writes, one module per job, each write one transaction."""

from calls.services.recordings import RecordingKind, call_recording_store, recording_sid_valid

__all__ = ["RecordingKind", "call_recording_store", "recording_sid_valid"]
