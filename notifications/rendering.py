"""Message templates rendered over an order: the context they see, and the check that refuses a template that
does not render (a syntax error, a variable that does not exist) when it is saved, not when it is sent."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import dateformat, timezone, translation

from core.formats import day_label, money
from core.people import staff_name
from notifications.exceptions import TemplateRefused
from orders.clock import working_deadline
from orders.exceptions import TextDoesNotRender
from orders.models import Customer, Order, Shop
from orders.payment_links import payment_link
from orders.templating import sample_context as orders_sample_context
from orders.templating import text_render


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    content_variables: dict[str, str]


def opening_label(shop: Shop, now: datetime) -> str:
    """When the shop's desk is next open (now if it is; its calendar's days off counted), as a customer reads it
    on the shop's clock: "Mon 09:00" within the coming week, with the date when it is further (after a long
    holiday, "Mon 09:00" would name the wrong Monday)."""
    opens_at = timezone.localtime(working_deadline(shop, now, timedelta(0)), shop.zone)
    if (opens_at.date() - timezone.localtime(now, shop.zone).date()).days < 7:
        return dateformat.format(opens_at, "D H:i")
    return dateformat.format(opens_at, "D j E, H:i")


def message_context(*, order: Order | None, customer: Customer, now: datetime | None = None) -> dict:
    shop = customer.shop
    manager = order.manager if order is not None else customer.responsible_manager
    return {
        "order": order,
        "customer": customer,
        "shop": shop,
        # A name, never the staff account itself: a template must not reach anything else of it.
        "manager": {"name": staff_name(manager, ""), "first_name": manager.first_name if manager else ""},
    } | customer_words(shop=shop, order=order, now=now or timezone.now())


def customer_words(*, shop: Shop, order: Order | None, now: datetime) -> dict[str, str]:
    """What a template writes as the shop's customers read it (their language, the shop's currency):
    {{ total }} is "4 990 ₽" where {{ order.total }} stays the plain number 4990.00; {{ opens_at }} "Пн 09:00";
    {{ delivery_date }} "12 дек.", {{ delivery_slot }} "14:00–16:00", {{ payment_method }} "Картой онлайн",
    {{ delivery_method }} "Курьер", {{ payment_link }} the shop's payment page for the order (each "" when not
    known)."""
    with translation.override(shop.customer_language):
        words = {
            "total": money(order.total if order is not None else None, shop.currency),
            "opens_at": opening_label(shop, now),
        }
        if order is None:
            return words | dict.fromkeys(ORDER_WORDS, "")
        return words | {
            "delivery_date": day_label(order.delivery_date) if order.delivery_date else "",
            "delivery_slot": order.delivery_slot,
            "payment_method": str(order.get_payment_method_display()) if order.payment_method else "",
            "delivery_method": str(order.get_delivery_method_display()) if order.delivery_method else "",
            "payment_link": payment_link(order),
        }


# What a template may say of the order's paying and delivery (empty in a message about no order).
ORDER_WORDS = ("delivery_date", "delivery_slot", "payment_method", "delivery_method", "payment_link")


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
    context = orders_sample_context()
    now = datetime(2026, 12, 7, 9, 0, tzinfo=context["shop"].zone)
    return context | customer_words(shop=context["shop"], order=context["order"], now=now)


def template_validate(*, subject: str, body: str, content_variables) -> Rendered:
    """Render a template's parts on a made-up order; TemplateRefused says what is wrong."""
    if not isinstance(content_variables, dict) or not all(isinstance(v, str) for v in content_variables.values()):
        raise TemplateRefused('Content variables are a JSON object of texts, e.g. {"1": "{{ order.number }}"}.')
    return render_message(
        subject=subject, body=body, content_variables=content_variables, context=sample_context()
    )
