"""The calls app's signals, for optional side effects only (the caller's card on a page)."""

from django.dispatch import Signal

# An incoming call has started ringing a manager (kwargs: leg, a CallLeg): their open page shows the caller's card.
call_ringing = Signal()
