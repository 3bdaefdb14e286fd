"""What routing announces to the apps built on it (sent only by assignment services, inside the change)."""

from django.dispatch import Signal

# order, manager (who let it time out), minutes, rerouted_to (user or None: it waits in the queue)
assignment_timed_out = Signal()
