"""Message templates previewed against a real order (the admin's preview)."""

from notifications.models import MessageTemplate
from notifications.rendering import Rendered, message_context, render_message
from orders.models import Order


def template_preview(template: MessageTemplate, *, order: Order) -> Rendered:
    return render_message(
        subject=template.subject,
        body=template.body,
        content_variables=template.content_variables,
        context=message_context(order=order, customer=order.customer),
    )
