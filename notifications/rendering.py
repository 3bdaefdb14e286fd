"""Message templates rendered over an order: the context they see, and the check that refuses a template that
does not render (a syntax error, a variable that does not exist) when it is saved, not when it is sent."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils import timezone

from notifications.exceptions import TemplateRefused
from orders.clock import is_working_time, working_deadline
from orders.models import Customer, Order, Shop
from orders.roles import staff_name

_INVALID = "\x00missing:%s\x00"
_INVALID_FOUND = re.compile("\x00missing:(.*?)\x00")
# Plain text to customers: nothing is HTML-escaped here; the email's HTML part escapes the rendered text.
_ENGINE = Engine(string_if_invalid=_INVALID, autoescape=False)


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
        "opens_at": f"{opens_at:%a %H:%M}",
    }


def _render(source: str, context: dict, what: str) -> str:
    # Django leaves a tag it cannot parse ("{{ name }") as text: the customer would read it.
    if any(
        token.token_type == TokenType.TEXT and ("{{" in token.contents or "{%" in token.contents)
        for token in Lexer(source).tokenize()
    ):
        raise TemplateRefused(f"The {what} does not render: a {{{{ or {{% is not closed.")
    try:
        text = _ENGINE.from_string(source).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise TemplateRefused(f"The {what} does not render: {exc}") from exc
    missing = _INVALID_FOUND.findall(text)
    if missing:
        names = ", ".join(sorted({f"{{{{ {name} }}}}" for name in missing}))
        raise TemplateRefused(f"The {what} uses something that does not exist: {names}.")
    return text.strip()


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
    shop = Shop(code="sample", name="Sample shop")
    customer = Customer(shop=shop, name="Anna Petrova", phone="+79161234567", email="anna@example.com")
    order = Order(shop=shop, customer=customer, number="S-1001", total=Decimal("4990.00"), tracking_code="TRK1")
    return {
        "order": order,
        "customer": customer,
        "shop": shop,
        "manager": {"name": "Maria Ivanova", "first_name": "Maria"},
        "opens_at": "Mon 09:00",
    }


def template_validate(*, subject: str, body: str, content_variables) -> Rendered:
    """Render a template's parts on a made-up order; TemplateRefused says what is wrong."""
    if not isinstance(content_variables, dict) or not all(isinstance(v, str) for v in content_variables.values()):
        raise TemplateRefused('Content variables are a JSON object of texts, e.g. {"1": "{{ order.number }}"}.')
    return render_message(
        subject=subject, body=body, content_variables=content_variables, context=sample_context()
    )
