"""Message templates rendered over an order: the context they see, and the check that refuses a template that
does not render (a syntax error, a variable that does not exist) when it is saved, not when it is sent."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import dateformat, timezone

from core.people import staff_name
from notifications.exceptions import TemplateRefused
from orders.clock import is_working_time, working_deadline
from orders.exceptions import TextDoesNotRender
from orders.models import Customer, Order, Shop
from orders.templating import sample_context as orders_sample_context
from orders.templating import text_render


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    content_variables: dict[str, str]


def desk_opens_at(shop: Shop, now: datetime) -> datetime:
    """When the shop's desk is next open (now if it is)."""
    if is_working_time(shop, now):
        return now
    return working_deadline(shop, now, timedelta(0))


def message_context(*, order: Order | None, customer: Customer, now: datetime | None = None) -> dict:
    shop = customer.shop
    manager = order.manager if order is not None else customer.responsible_manager
    opens_at = timezone.localtime(desk_opens_at(shop, now or timezone.now()), shop.zone)
    return {
        "order": order,
        "customer": customer,
        "shop": shop,
        # A name, never the staff account itself: a template must not reach anything else of it.
        "manager": {"name": staff_name(manager, ""), "first_name": manager.first_name if manager else ""},
        # In the language the message is rendered in ("Mon 09:00", "Пн 09:00").
        "opens_at": dateformat.format(opens_at, "D H:i"),
    }


def _render(source: str, context: dict, what: str) -> str:
    try:
        return text_render(source, context, what)
    except TextDoesNotRender as exc:
        raise TemplateRefused(str(exc)) from exc


def render_message(*, subject: str, body: str, content_variables: dict, context: dict) -> Rendered:
    return Rendered(
        subject=_render(subject, context, "subject"),
        body=_render(body, context, "text"),
        content_variables={
            str(key): _render(str(value), context, f"variable {key}") for key, value in content_variables.items()
        },
    )


def sample_context() -> dict:
    """A made-up order to try a template on when it is saved."""
    return orders_sample_context() | {"opens_at": "Mon 09:00"}


def template_validate(*, subject: str, body: str, content_variables) -> Rendered:
    """Render a template's parts on a made-up order; TemplateRefused says what is wrong."""
    if not isinstance(content_variables, dict) or not all(isinstance(v, str) for v in content_variables.values()):
        raise TemplateRefused('Content variables are a JSON object of texts, e.g. {"1": "{{ order.number }}"}.')
    return render_message(
        subject=subject, body=body, content_variables=content_variables, context=sample_context()
    )
