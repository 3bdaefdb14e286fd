"""What notifications announces to the apps built on it (feedback hooks its rating replies in here)."""

from django.dispatch import Signal

# inbound (InboundMessage): a customer wrote. A receiver that takes care of it returns True; when none does,
# the order's manager (or the shop's supervisors) hears of it in the bell.
customer_replied = Signal()
# message (OutboundMessage), previous (state): the provider reported a message delivered, read or failed.
message_delivery_changed = Signal()
# message (OutboundMessage): an email is about to go. The app that asked for it may write the letter itself and
# return it (an EmailMessage): feedback's request comes from a person, in plain text, and only the customer's copy
# carries the working rating links (the stored body has them masked).
email_writing = Signal()
