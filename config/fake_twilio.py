"""A small stand-in for Twilio's Messages API on 127.0.0.1, for tests and `make demo` (the machines have no
internet). The real `twilio` client talks to it through TWILIO_BASE_URL. It records what it was sent (path,
form fields, basic auth), keeps the messages it took and lists them as Twilio's Messages list does (filtered by
To, From and DateSent>), can be told to fail, to take a message but answer too late or hang up, and can play
Twilio's part afterwards: signed status callbacks ("sent", then "delivered") to the StatusCallback URL, and
customers' replies to the inbound webhook.

Run alone: python -m config.fake_twilio --port 8765 --token TOKEN
"""

import argparse
import base64
import json
import re
import secrets
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from twilio.request_validator import RequestValidator

from config.fake_twilio_autopilot import autopilot_arguments, autopilot_from_args


@dataclass
class Sent:
    path: str
    form: dict[str, str]
    username: str
    password: str
    sid: str = ""  # "" when the message was refused
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Failure:
    status: int
    code: int
    message: str
    to: str = ""  # only messages to this address; "" for any


@dataclass
class FakeTwilio:
    token: str
    callbacks: bool = False
    callback_delay: float = 0.3
    sent: list[Sent] = field(default_factory=list)
    failures: list[tuple[Failure, int]] = field(default_factory=list)  # (failure, how many more times; -1 ever)
    # Messages taken but answered late: (seconds before the answer, or None to hang up without one; how many;
    # to this address, or "" for any).
    mishaps: list[tuple[float | None, int, str]] = field(default_factory=list)
    lookups: list[dict[str, str]] = field(default_factory=list)  # the Messages list's queries
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, port: int = 0) -> "FakeTwilio":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                status, payload = fake._answer(self.path, form, self.headers.get("Authorization", ""))
                if status == 201 and not fake._answer_late(form.get("To", "")):
                    self.close_connection = True  # hung up: the client never hears that it was taken
                    return
                self._send(status, payload)

            def do_GET(self):  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                self._send(200, fake._list(url.path, dict(urllib.parse.parse_qsl(url.query))))

            def _send(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, *, status: int = 500, code: int = 20500, message: str = "Internal error", times=-1, to=""):
        """Answer the next `times` messages (to `to`, or any) with this error; -1: until `recover()`."""
        with self.lock:
            self.failures.append((Failure(status, code, message, to), times))

    def recover(self) -> None:
        with self.lock:
            self.failures.clear()
            self.mishaps.clear()

    def answer_late(self, seconds: float, *, times: int = 1, to: str = "") -> None:
        """Take the next `times` messages (to `to`, or any) but answer only after `seconds` (a client that gave
        up waiting never hears that they were taken)."""
        with self.lock:
            self.mishaps.append((seconds, times, to))

    def hang_up(self, *, times: int = 1, to: str = "") -> None:
        """Take the next `times` messages (to `to`, or any) and drop the connection without answering."""
        with self.lock:
            self.mishaps.append((None, times, to))

    def _answer_late(self, to: str) -> bool:
        """Play the mishap meant for this message, if any: False when the connection is to be dropped."""
        with self.lock:
            index = next((i for i, mishap in enumerate(self.mishaps) if mishap[2] in ("", to)), None)
            if index is None:
                return True
            seconds, times, only_to = self.mishaps[index]
            if times <= 1:
                self.mishaps.pop(index)
            else:
                self.mishaps[index] = (seconds, times - 1, only_to)
        if seconds is None:
            return False
        time.sleep(seconds)
        return True

    @property
    def taken(self) -> list[Sent]:
        with self.lock:
            return [sent for sent in self.sent if sent.sid]

    def _failure_for(self, to: str) -> Failure | None:
        with self.lock:
            for index, (failure, times) in enumerate(self.failures):
                if failure.to in ("", to):
                    if times > 0:
                        self.failures[index] = (failure, times - 1)
                    if times == 1:
                        self.failures.pop(index)
                    return failure
        return None

    def _answer(self, path: str, form: dict, authorization: str) -> tuple[int, dict]:
        username, _, password = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
        failure = self._failure_for(form.get("To", ""))
        if failure is not None:
            with self.lock:
                self.sent.append(Sent(path, form, username, password))
            return failure.status, {"code": failure.code, "message": failure.message, "status": failure.status}
        sent = Sent(path, form, username, password, "SM" + secrets.token_hex(16))
        with self.lock:
            self.sent.append(sent)
        if self.callbacks and form.get("StatusCallback"):
            steps = ["sent", "delivered"] + (["read"] if form.get("To", "").startswith("whatsapp:") else [])
            threading.Thread(
                target=self._play_callbacks, args=(form["StatusCallback"], sent.sid, steps), daemon=True
            ).start()
        return 201, self._resource(sent, status="queued")

    @staticmethod
    def _resource(sent: Sent, *, status: str) -> dict:
        at = format_datetime(sent.at, usegmt=True)
        return {
            "sid": sent.sid,
            "status": status,
            "to": sent.form.get("To"),
            "from": sent.form.get("From"),
            "body": sent.form.get("Body", ""),
            "date_created": at,
            "date_sent": at,
            "direction": "outbound-api",
        }

    def _list(self, path: str, query: dict) -> dict:
        """Twilio's Messages list: the messages taken, newest first, filtered by To, From and DateSent>."""
        if not re.fullmatch(r"/2010-04-01/Accounts/\w+/Messages\.json", path):
            return {"messages": []}
        with self.lock:
            self.lookups.append(query)
        after = query.get("DateSent>")
        after = datetime.strptime(after, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if after else None
        found = [
            self._resource(sent, status="sent")
            for sent in reversed(self.taken)
            if sent.form.get("To") == query.get("To", sent.form.get("To"))
            and sent.form.get("From") == query.get("From", sent.form.get("From"))
            and (after is None or sent.at >= after)
        ]
        return {"messages": found, "page": 0, "page_size": len(found), "next_page_uri": None, "uri": path}

    def _play_callbacks(self, url: str, sid: str, steps: list[str]) -> None:
        for step in steps:
            time.sleep(self.callback_delay)
            self.post_signed(url, {"MessageSid": sid, "MessageStatus": step})

    def post_signed(self, url: str, params: dict[str, str]) -> int:
        """POST a form to the desk as Twilio would, signed with the account's token; the answer's status."""
        signature = RequestValidator(self.token).compute_signature(url, params)
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def reply(self, url: str, *, from_: str, body: str, to: str = "") -> int:
        """A customer writes back: the inbound webhook call Twilio would make."""
        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "From": from_,
            "To": to,
            "Body": body,
            "NumMedia": "0",
        }
        return self.post_signed(url, params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", required=True)
    autopilot_arguments(parser)
    args = parser.parse_args()
    fake = FakeTwilio(token=args.token, callbacks=True).start(args.port)
    print(f"Fake Twilio on {fake.base_url} (status callbacks on)", flush=True)
    autopilot_from_args(fake, args)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
