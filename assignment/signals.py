"""What routing announces to the apps built on it (sent only by assignment services, inside the change)."""

from django.dispatch import Signal

# order, manager (who let it time out), minutes, rerouted_to (user or None: it waits in the queue)
assignment_timed_out = Signal()
# order, minutes (waiting), why (manager name → why they could not take it): the order has waited in the queue
# past the alert time with nobody able to take it
order_waiting_too_long = Signal()
