"""What notifications announces; the desk's pipeline (desk/receivers.py) connects to these once."""

from django.dispatch import Signal

# inbound (InboundMessage, matched to a customer), switched (True: it was STOP or START, honoured), now: a customer
# wrote. The desk gives it to feedback's rating replies, else the manager hears of it (`reply_announce`).
customer_replied = Signal()
# message (OutboundMessage), previous (state): the provider reported a message delivered, read or failed.
message_delivery_changed = Signal()
# message (OutboundMessage): an email is about to go; a hook the transport asks (desk.flows.email_letter answers).
# The app that asked for it may write the letter itself and return it (an EmailMessage): feedback's request comes
# from a person, in plain text, and only the customer's copy carries the working rating links (the stored body has
# them masked).
email_writing = Signal()
