from core.exceptions import DeskError


class CallRefused(DeskError):
    """A call the desk will not place (no phone to ring, no shop number, the customer's night, a manager already
    on a call, a closed order) or Twilio refused; the message says why, to the manager who asked."""


class CallUncertain(CallRefused):
    """Twilio did not answer in time: the call may ring after all. It is looked up before another is placed."""
