"""Where the desk may send a webhook: https (http only with DEBUG), and, unless WEBHOOKS_ALLOW_PRIVATE, only to
public addresses, every address the host resolves to checked (server-side request forgery). The send connects to
the checked address itself, so a DNS answer that changes between the check and the call cannot redirect it."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

from webhooks.exceptions import AddressRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked URL: the host as written (the Host header and TLS name), the address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def address_refused(address: IPAddress) -> bool:
    """Private, loopback, link-local (169.254.169.254: cloud metadata), multicast, reserved, unspecified, or not
    public in any other way (an IPv4 address mapped into IPv6 is judged as itself)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def url_check(url: str) -> Target:
    """The URL's target, resolved and checked now; AddressRefused saying why not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(gettext("Give a full address, starting with https://."))
    if parts.scheme != "https" and not settings.DEBUG:
        raise AddressRefused(gettext("The address must start with https:// (http is allowed only with DEBUG)."))
    if parts.username or parts.password:
        raise AddressRefused(gettext("The address must not carry a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(gettext("The address has an invalid port.")) from exc
    host = parts.hostname
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(gettext("The host %(host)s cannot be found.") % {"host": host}) from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found))
    if not addresses:
        raise AddressRefused(gettext("The host %(host)s cannot be found.") % {"host": host})
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        refused = [address for address in addresses if address_refused(address)]
        if refused:
            raise AddressRefused(
                gettext(
                    "%(host)s leads to %(address)s, a private, loopback or link-local address: the desk does not "
                    "send webhooks there."
                )
                % {"host": host, "address": refused[0]}
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=str(addresses[0]))
