class OrderError(Exception):
    """A business rule refused the change; the message is shown to the person or the storefront."""


class StatusChangeRefused(OrderError):
    pass


class StaleOrder(OrderError):
    """Someone else changed the order after it was shown; reload and try again."""


class NextStepRequired(OrderError):
    """The last open task of an open order is being closed without a next step."""
