"""The calls app's writes, one module per job; the public names stay importable from `calls.services`."""

from calls.services.outcomes import call_dial_apply, call_status_apply
from calls.services.placing import call_place, call_place_after_commit, call_place_auto

__all__ = [
    "call_dial_apply",
    "call_place",
    "call_place_after_commit",
    "call_place_auto",
    "call_status_apply",
]
