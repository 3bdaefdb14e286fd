"""The calls app's signals, sent inside the transaction of the change. Flows connect in desk/receivers.py; the
caller's card (an optional side effect) connects in calls/receivers.py."""

from django.dispatch import Signal

# An incoming call has started ringing a manager (kwargs: leg, a CallLeg): their open page shows the caller's card.
call_ringing = Signal()
# A leg has ended (kwargs: leg): answered, rang out, or the caller hung up; the card on that page is updated.
call_leg_ended = Signal()
# An incoming call was recorded (kwargs: call, a PhoneCall; now): the desk's flow 8 rings a manager or misses it.
call_arrived = Signal()
# A leg rang out or was refused (kwargs: call, leg, now): flow 8 rings the next manager or misses the call.
call_unanswered = Signal()
# A call out has its outcome from the phone itself (kwargs: call, a PhoneCall): desk flow 9 puts it on the order.
call_outcome_known = Signal()
