"""One POST to a checked target: connected to the checked address (not a fresh DNS answer), redirects not
followed (a 3xx is an answer like any other), the whole exchange bounded by a deadline, the answer read up to a
cap and no further."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.utils.translation import gettext

from webhooks.addresses import Target
from webhooks.exceptions import DeliveryFailed

EXCERPT = 500  # bytes of the answer kept on the delivery


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float, cap: int) -> Answer:
    """The answer's status and first bytes; DeliveryFailed when there is none in time."""
    deadline = time.monotonic() + timeout
    connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = connection_class(target, timeout)

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

    try:
        connection.connect()
        sock = connection.sock
        connection.request("POST", target.path, body=body, headers=headers)
        sock.settimeout(left())
        response = connection.getresponse()
        read, chunks = 0, []
        try:
            while read < cap:
                sock.settimeout(left())
                chunk = response.read1(min(65536, cap - read))
                if not chunk:
                    break
                chunks.append(chunk)
                read += len(chunk)
        except (TimeoutError, OSError, http.client.HTTPException):
            pass  # the status is the answer; a body that dribbles past the deadline is cut where it stands
        excerpt = b"".join(chunks)[:EXCERPT].decode("utf-8", "replace")
        return Answer(status=response.status, excerpt=excerpt)
    except TimeoutError as exc:
        raise DeliveryFailed(gettext("No answer within %(seconds)s s.") % {"seconds": f"{timeout:g}"}) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryFailed(gettext("Could not connect: %(error)s") % {"error": exc}) from exc
    finally:
        connection.close()
