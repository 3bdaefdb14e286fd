"""Message templates rendered for a customer, in the shop's customers' language (the words the template's filters
write, dates and money), as they are sent and as the admin's preview shows them."""

from datetime import datetime

from django.utils import translation

from notifications.models import MessageTemplate
from notifications.rendering import Rendered, message_context, render_message
from orders.models import Customer, Order


def customer_render(
    template: MessageTemplate, *, order: Order | None, customer: Customer, now: datetime | None = None
) -> Rendered:
    with translation.override(customer.shop.customer_language):
        return render_message(
            subject=template.subject,
            body=template.body,
            content_variables=template.content_variables,
            context=message_context(order=order, customer=customer, now=now),
        )


def template_preview(template: MessageTemplate, *, order: Order) -> Rendered:
    return customer_render(template, order=order, customer=order.customer)
