from orders.exceptions import OrderError


class AssignmentRefused(OrderError):
    """An order cannot be given to this manager; the message says why, in words for the person. An OrderError,
    so a page of the orders core that started it (a typed-in order the manager takes) shows it like its own."""
