"""The calls app's writes, one module per job; the public names stay importable from `calls.services`."""

from calls.services.incoming import call_arrive, call_dial_ended, call_ring_next
from calls.services.missed import call_miss

__all__ = ["call_arrive", "call_dial_ended", "call_miss", "call_ring_next"]
