"""The calls app's reads, one module per job; the public names stay importable from `calls.selectors`."""

from calls.selectors.cards import CallCard, LegState, call_card, legs_live
from calls.selectors.dialling import auto_dial_ready, customer_night_now, manager_rings_at, shop_voice_number
from calls.selectors.history import CallList, CallRow, calls_of_customer, calls_of_order
from calls.selectors.listening import call_audible

__all__ = [
    "CallCard",
    "CallList",
    "CallRow",
    "LegState",
    "auto_dial_ready",
    "call_audible",
    "call_card",
    "calls_of_customer",
    "calls_of_order",
    "customer_night_now",
    "legs_live",
    "manager_rings_at",
    "shop_voice_number",
]
