"""What the webhooks sender announces, inside the transaction that records it; the desk tells the admins
(desk/receivers.py)."""

from django.dispatch import Signal

# delivery: a delivery failed for good (its last try, or a 410)
delivery_failed = Signal()
# endpoint: an endpoint was switched off (410 Gone, or too many failures in a row); its reason is on it
endpoint_disabled = Signal()
