"""The calls app's reads."""

from calls.selectors.history import CallList, CallRow, calls_of_customer, calls_of_order
from calls.selectors.listening import call_audible

__all__ = ["CallList", "CallRow", "call_audible", "calls_of_customer", "calls_of_order"]
