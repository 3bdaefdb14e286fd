"""Who is knocking: the client's address as the login throttle counts it."""

from django.conf import settings


def client_ip(request) -> str:
    """Behind the desk's own proxy (BEHIND_PROXY), the address that proxy saw, i.e. the last one it appended to
    X-Forwarded-For (earlier entries are whatever the client claimed); else the socket's address."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
