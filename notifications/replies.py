"""How a customer's email answer finds its order again: every letter the desk sends has a Message-ID its row keeps
(a reply names it in In-Reply-To), and a letter about an order says Reply-To: reply+<signed order token>@
INBOUND_EMAIL_DOMAIN. The token is the order's id and its signature (django.core.signing); a forged or mangled one
names nothing. Read by the email transport (channels/email.py) and by `email_in.email_receive`."""

import re
from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

REPLY_SIGNER = signing.Signer(salt="notifications.email.reply-to", sep=".")
REPLY_ADDRESS = re.compile(r"^reply\+(?P<pk>\d{1,18})\.(?P<signature>[A-Za-z0-9_-]+)@(?P<domain>.+)$")


def reply_address(order_id: int) -> str:
    """The Reply-To of an email about the order ("" without INBOUND_EMAIL_DOMAIN: no reply address)."""
    if not settings.INBOUND_EMAIL_DOMAIN:
        return ""
    return f"reply+{REPLY_SIGNER.sign(str(order_id))}@{settings.INBOUND_EMAIL_DOMAIN}"


def reply_order_id(address: str) -> int | None:
    """The order id a reply address names when its signature holds (compared in any case: some mail systems
    lower-case addresses); None for any other address, or a forged token."""
    match = REPLY_ADDRESS.match(address)
    if match is None or match["domain"] != settings.INBOUND_EMAIL_DOMAIN:
        return None
    if not constant_time_compare(REPLY_SIGNER.signature(match["pk"]).lower(), match["signature"].lower()):
        return None
    return int(match["pk"])


def message_id_new() -> str:
    return make_msgid(domain=settings.INBOUND_EMAIL_DOMAIN or "orderdesk.local")
