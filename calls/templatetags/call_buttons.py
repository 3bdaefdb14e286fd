"""The click-to-call button on the order and customer pages: `{% load call_buttons %}{% call_button order=order %}`
or `{% call_button customer=customer %}`. In the customer's night it asks first ("Call anyway")."""

from django import template

from calls.selectors import customer_night_now
from core import roles

register = template.Library()


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
        "night": customer_night_now(customer) if shown else None,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
