"""Texts the desk fills in with Django template syntax ({{ customer.name }}): message templates and call scripts.
One rule for all of them: a text that does not render — a tag left open, a syntax error, a name that does not
exist — is refused when it is saved, not found out when a customer or a manager reads it."""

import re
from decimal import Decimal

from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.translation import gettext, gettext_lazy

from orders.exceptions import TextDoesNotRender
from orders.models import Customer, Order, Shop

_INVALID = "\x00missing:%s\x00"
_INVALID_FOUND = re.compile("\x00missing:(.*?)\x00")
# Plain text: nothing is HTML-escaped here; the page or email that shows the text escapes it.
_ENGINE = Engine(string_if_invalid=_INVALID, autoescape=False)
# The placeholders these texts had before the template syntax: left in a text, the reader sees "{customer".
_OLD_PLACEHOLDER = re.compile(r"(?<!\{)\{\s*(customer|manager|shop|order|links|signer)\b")
_WRITE_INSTEAD = {
    "customer": "customer.name",
    "manager": "manager.name",
    "shop": "shop.name",
    "order": "order.number",
}
# A text to a customer or a manager fills in names, with conditions and lists at most: {% debug %} would send
# the desk's internals, {% include %} and the like need templates these texts cannot have.
_TAGS = {"if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith", "firstof", "cycle", "now"}
_TAGS |= {"comment", "endcomment", "spaceless", "endspaceless", "filter", "endfilter"}


# What a text is, as its error names it (other names, e.g. "variable x", are said as given).
_WHATS = {
    "script": gettext_lazy("script"),
    "greeting": gettext_lazy("greeting"),
    "template": gettext_lazy("template"),
    "subject": gettext_lazy("subject"),
    "text": gettext_lazy("text"),
}


def _what(what: str) -> str:
    return str(_WHATS.get(what, what))


def text_render(source: str, context: dict, what: str) -> str:
    """`source` rendered over `context`; TextDoesNotRender says what is wrong with it."""
    tokens = Lexer(source).tokenize()
    # Django leaves a tag it cannot parse ("{{ name }") as text: the reader would see it.
    if any(
        token.token_type == TokenType.TEXT and ("{{" in token.contents or "{%" in token.contents)
        for token in tokens
    ):
        raise TextDoesNotRender(
            gettext("The %(what)s does not render: a {{ or {%% is not closed.") % {"what": _what(what)}
        )
    old = _OLD_PLACEHOLDER.search(source)
    if old:
        name = _WRITE_INSTEAD.get(old.group(1), old.group(1))
        raise TextDoesNotRender(
            gettext("The %(what)s has “%(old)s”, which is shown as written: write {{ %(name)s }}.")
            % {"what": _what(what), "old": old.group(0), "name": name}
        )
    for token in tokens:
        tag = token.split_contents()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        if tag and tag not in _TAGS:
            raise TextDoesNotRender(
                gettext("The %(what)s cannot use {%% %(tag)s %%}: names, if, for and with are what it has.")
                % {"what": _what(what), "tag": tag}
            )
    try:
        text = _ENGINE.from_string(source).render(Context(context, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        raise TextDoesNotRender(
            gettext("The %(what)s does not render: %(error)s") % {"what": _what(what), "error": exc}
        ) from exc
    except (ArithmeticError, TypeError, ValueError) as exc:  # a filter given nonsense, e.g. divisibleby:0
        raise TextDoesNotRender(
            gettext("The %(what)s does not render: %(error)s.") % {"what": _what(what), "error": exc}
        ) from exc
    missing = _INVALID_FOUND.findall(text)
    if missing:
        names = ", ".join(sorted({f"{{{{ {name} }}}}" for name in missing}))
        raise TextDoesNotRender(
            gettext("The %(what)s uses something that does not exist: %(names)s.")
            % {"what": _what(what), "names": names}
        )
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
