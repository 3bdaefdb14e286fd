"""A real HTTP receiver on 127.0.0.1 (http.server in a thread, port 0) that records every request, answers as the
test tells it, and can go down (its port closed) and come back up on the same port."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import EventType, WebhookEndpoint
from webhooks.signing import secret_new


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    sleep: float = 0.0  # before answering
    location: str = ""
    streamed: int = 0  # bytes of "x" written after the body, in 1 MB writes (a huge answer without the memory)


@dataclass
class Receiver:
    """`answer(received_so_far) -> Answer` decides each answer; `requests` is what arrived, in order."""

    requests: list[Received] = field(default_factory=list)
    answered: list[bool] = field(default_factory=list)  # each answer written in full, or cut off by the desk
    answer: object = None
    port: int = 0
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def up(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                    seen = list(receiver.requests)
                answer = receiver.answer(seen) if receiver.answer else Answer()
                if answer.sleep:
                    time.sleep(answer.sleep)
                try:
                    self.send_response(answer.status)
                    if answer.location:
                        self.send_header("Location", answer.location)
                    self.send_header("Content-Length", str(len(answer.body) + answer.streamed))
                    self.end_headers()
                    self.wfile.write(answer.body)
                    for _ in range(answer.streamed // 2**20):
                        self.wfile.write(b"x" * 2**20)
                    receiver.answered.append(True)
                except OSError:  # the desk hung up first (its deadline, or the answer's cap)
                    receiver.answered.append(False)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """The port closed: a connection is refused."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.requests]


@pytest.fixture
def local_receivers_allowed(settings):
    """Tests talk to 127.0.0.1 over http: private addresses allowed and DEBUG on, said explicitly."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.DEBUG = True
    return settings


@pytest.fixture
def receiver(local_receivers_allowed):
    receiver = Receiver().up()
    yield receiver
    receiver.down()


def endpoint_for(shop, receiver, *, events=None, **kwargs) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        shop=shop,
        url=receiver.url,
        secret=secret_new(),
        events=list(events or EventType.values),
        **kwargs,
    )
