"""Texts the desk fills in with Django template syntax ({{ customer.name }}): message templates and call scripts.
One rule for all of them: a text that does not render — a tag left open, a syntax error, a name that does not
exist — is refused when it is saved, not found out when a customer or a manager reads it."""

import re
from decimal import Decimal

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType

from orders.exceptions import TextDoesNotRender
from orders.models import Customer, Order, Shop

_INVALID = "\x00missing:%s\x00"
_INVALID_FOUND = re.compile("\x00missing:(.*?)\x00")
# Plain text: nothing is HTML-escaped here; the page or email that shows the text escapes it.
_ENGINE = Engine(string_if_invalid=_INVALID, autoescape=False)


def text_render(source: str, context: dict, what: str) -> str:
    """`source` rendered over `context`; TextDoesNotRender says what is wrong with it."""
    # Django leaves a tag it cannot parse ("{{ name }") as text: the reader would see it.
    if any(
        token.token_type == TokenType.TEXT and ("{{" in token.contents or "{%" in token.contents)
        for token in Lexer(source).tokenize()
    ):
        raise TextDoesNotRender(f"The {what} does not render: a {{{{ or {{% is not closed.")
    try:
        text = _ENGINE.from_string(source).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise TextDoesNotRender(f"The {what} does not render: {exc}") from exc
    missing = _INVALID_FOUND.findall(text)
    if missing:
        names = ", ".join(sorted({f"{{{{ {name} }}}}" for name in missing}))
        raise TextDoesNotRender(f"The {what} uses something that does not exist: {names}.")
    return text.strip()


def sample_context() -> dict:
    """A made-up order to try a text on when it is saved."""
    shop = Shop(code="sample", name="Sample shop")
    customer = Customer(shop=shop, name="Anna Petrova", phone="+79161234567", email="anna@example.com")
    order = Order(shop=shop, customer=customer, number="S-1001", total=Decimal("4990.00"), tracking_code="TRK1")
    return {
        "order": order,
        "customer": customer,
        "shop": shop,
        "manager": {"name": "Maria Ivanova", "first_name": "Maria"},
    }
