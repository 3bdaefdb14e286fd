"""A shop's payment link: its template ("https://shop.example/pay?order={external_id}&amount={balance}") checked
when it is saved, and filled in for an order; the reason an order has no link to send."""

from decimal import Decimal
from string import Formatter
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext

if TYPE_CHECKING:
    from orders.models import Order

PLACEHOLDERS = ("external_id", "number", "balance")
_SAMPLE = {"external_id": "web-1001", "number": "SHOP-1", "balance": "1890.00"}


def validate_payment_link_template(value: str) -> None:
    """An https address (http too while DEBUG) with only the known placeholders, each as plain `{name}`."""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        parts = list(Formatter().parse(value))
    except ValueError as exc:
        raise ValidationError(
            gettext("A brace is not closed: write placeholders as %(known)s.") % {"known": known}
        ) from exc
    for _text, name, spec, conversion in parts:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            raise ValidationError(
                gettext("Unknown placeholder {%(name)s}: a payment link may use %(known)s.")
                % {
                    "name": name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""),
                    "known": known,
                }
            )
    schemes = ["https", "http"] if settings.DEBUG else ["https"]
    try:
        URLValidator(schemes=schemes)(value.format(**_SAMPLE))
    except ValidationError as exc:
        raise ValidationError(
            gettext("Give the address of the shop's payment page, starting with https://.")
        ) from exc


def order_balance(order: "Order") -> Decimal:
    """What the customer still owes: the total less what was paid, never below zero."""
    return max(order.total - order.paid_amount, Decimal("0"))


def payment_link(order: "Order") -> str:
    """The order's payment link from its shop's template ("" when the shop has none)."""
    template = order.shop.payment_link_template
    if not template:
        return ""
    values = {
        "external_id": order.external_id,
        "number": order.number or "",
        "balance": f"{order_balance(order):.2f}",
    }
    return template.format(**{name: quote(str(value), safe="") for name, value in values.items()})


def payment_link_refusal(order: "Order") -> str:
    """Why no payment link can be sent for the order ("" when one can)."""
    from orders.models import Order

    if not order.shop.payment_link_template:
        return gettext("The shop has no payment link: an admin sets it in Shops.")
    if order.payment_state == Order.PaymentState.PAID:
        return gettext("The order is paid: there is nothing to pay by link.")
    if order_balance(order) <= 0:
        return gettext("Nothing is due on this order: the balance is 0.")
    return ""
