from core.exceptions import DeskError


class AssignmentRefused(DeskError):
    """An order cannot be given to this manager; the message says why, in words for the person. Routing's own
    refusal: a page that asks routing handles it, and the desk's pipeline turns it into the intake's refusal when
    a manager types an order in and takes it."""
