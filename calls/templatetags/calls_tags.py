"""The calls block on the order and customer pages (the orders templates load this library: orders imports no
app above it)."""

from django import template

from calls.selectors import calls_of_customer, calls_of_order

register = template.Library()


@register.inclusion_tag("calls/_calls.html", takes_context=True)
def order_calls(context, order):
    return {"calls": calls_of_order(order=order, user=context["user"]), "on_order": True}


@register.inclusion_tag("calls/_calls.html", takes_context=True)
def customer_calls(context, customer):
    return {"calls": calls_of_customer(customer=customer, user=context["user"]), "on_order": False}
