"""The click-to-call button on the order and customer pages: `{% load call_buttons %}{% call_button order=order %}`
or `{% call_button customer=customer %}`. In the customer's night it asks first ("Call anyway")."""

from datetime import datetime

from django import template
from django.utils.formats import time_format

from calls.selectors import customer_night_now
from core import roles

register = template.Library()


def _clock(local: datetime | None) -> str:
    # As on the customer's clock: the template's date filter would show it in the desk's zone.
    return time_format(local, "H:i") if local is not None else ""


@register.inclusion_tag("calls/_call_button.html", takes_context=True)
def call_button(context, *, order=None, customer=None) -> dict:
    user = context["request"].user
    customer = order.customer if order is not None else customer
    shown = (
        roles.can_place_calls(user)
        and customer is not None
        and bool(customer.phone)
        and not (order is not None and order.is_final)
    )
    return {
        "shown": shown,
        "order": order,
        "customer": customer,
        "night": _clock(customer_night_now(customer)) if shown else "",
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
