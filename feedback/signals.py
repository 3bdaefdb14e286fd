"""The events feedback announces, inside the transaction of the change; the desk's pipeline connects to them
(desk/receivers.py)."""

from django.dispatch import Signal

# claim: a claim was opened on an order
claim_opened = Signal()
# claim: a claim was resolved or failed
claim_closed = Signal()
