from django.utils.translation import gettext

from core.exceptions import DeskError


class OrderError(DeskError):
    """A business rule refused the change; the message is shown to the person or the storefront."""


class StatusChangeRefused(OrderError):
    pass


class PaymentAwaited(StatusChangeRefused):
    """The step's prepayment rule holds the order until enough of its total is paid."""


class StaleOrder(OrderError):
    """Someone else changed the order after it was shown; reload and try again."""


class NextStepRequired(OrderError):
    """The last open task of an open order is being closed without a next step."""


class IntakeRefused(OrderError):
    """The order cannot be taken in as asked (the manager who typed it in and takes it may not have it): nothing
    is saved, and the message says why."""


class IntakeConflict(OrderError):
    """The storefront sent an external_id the shop already has, with other content."""

    def __init__(self, *, order, fields: list[str]):
        self.order, self.fields = order, fields
        super().__init__(
            gettext(
                "Order %(number)s was accepted under this external_id with other %(fields)s: send a new "
                "external_id for a new order."
            )
            % {"number": order.number, "fields": ", ".join(fields)}
        )


class PaymentConflict(OrderError):
    """The storefront sent a payment id the order already has, with another state or amount."""

    def __init__(self, *, payment_id: str, fields: list[str]):
        self.payment_id, self.fields = payment_id, fields
        super().__init__(
            gettext("Payment %(id)s was recorded with other %(fields)s: send a new payment_id for a new payment.")
            % {"id": payment_id, "fields": ", ".join(fields)}
        )


class TextDoesNotRender(OrderError):
    """A text written in template syntax (a message template, a call script) does not render."""


class CalendarFileRefused(DeskError):
    """A production calendar file that does not read (the message names the line); nothing is imported."""
