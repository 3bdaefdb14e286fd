"""A small stand-in for Twilio's Messages API on 127.0.0.1, for tests and `make demo` (the machines have no
internet). The real `twilio` client talks to it through TWILIO_BASE_URL. It records what it was sent (path,
form fields, basic auth), keeps the messages it took and lists them as Twilio's Messages list does (filtered by
To, From and DateSent>), can be told to fail, to take a message but answer too late or hang up, and can play
Twilio's part afterwards: signed status callbacks ("sent", then "delivered") to the StatusCallback URL, and
customers' replies to the inbound webhook. It also serves call recordings' audio (GET Recordings/RE….mp3, with
the account's basic auth), and can refuse it or answer late.

Voice: it takes calls placed through the Calls API (POST Calls.json, a call "CA…") and lists them (GET Calls.json,
filtered by To, From and StartTime>), and plays how each went as Twilio would (signed status callbacks, and the
<Dial action> with the customer's DialCallStatus): scripted by `call_outcomes` ([("completed", 35), ("busy", 0)],
"manager-no-answer" when the manager's own phone does not answer), or at random with `random_outcomes` (the demo).

Run alone: python -m config.fake_twilio --port 8765 --token TOKEN
"""

import argparse
import base64
import html
import json
import random
import re
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from twilio.request_validator import RequestValidator

from config.fake_twilio_autopilot import autopilot_arguments, autopilot_from_args

# A recording's audio, as the desk fetches it to play through its own page.
RECORDING_PATH = re.compile(r"/2010-04-01/Accounts/(?P<account>\w+)/Recordings/(?P<sid>RE\w+)\.mp3")
# An MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz, mono) and its length: frames of silence.
MP3_FRAME_HEADER, MP3_FRAME_BYTES = bytes.fromhex("fffb90c4"), 417


def recording_audio(sid: str, *, seconds: int = 2) -> bytes:
    """A short silent MP3 with the sid in its first frame, so each recording's bytes are its own."""
    frames = round(seconds * 44100 / 1152)
    frame = MP3_FRAME_HEADER + bytes(MP3_FRAME_BYTES - len(MP3_FRAME_HEADER))
    first = MP3_FRAME_HEADER + sid.encode().ljust(MP3_FRAME_BYTES - len(MP3_FRAME_HEADER), b"\0")
    return first + frame * (frames - 1)


def _basic_auth(authorization: str) -> tuple[str, str]:
    username, _, password = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
    return username, password


CALLS_PATH = re.compile(r"/2010-04-01/Accounts/\w+/Calls\.json")
# The demo's calls: mostly reached, sometimes busy, not answered or failing.
RANDOM_OUTCOMES = [("completed", 95), ("completed", 40), ("busy", 0), ("no-answer", 0), ("failed", 0)]


@dataclass
class Sent:
    path: str
    form: dict[str, str]
    username: str
    password: str
    sid: str = ""  # "" when the message was refused
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    fields: dict[str, list[str]] = field(default_factory=dict)  # every value of a repeated field (call events)


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
    recordings_fetched: list[str] = field(default_factory=list)  # the RecordingSids asked for, in order
    # How the Recordings resource misbehaves: (an error status to answer, or 0; seconds before answering).
    recording_fault: tuple[int, float] = (0, 0.0)
    lookups: list[dict[str, str]] = field(default_factory=list)  # the Messages and Calls lists' queries
    # How the next calls placed go, played when callbacks are on: (the customer's DialCallStatus, talk seconds).
    call_outcomes: list[tuple[str, int]] = field(default_factory=list)
    random_outcomes: bool = False  # the demo: a random outcome when none is scripted
    failing_lookups: int = 0  # the next lists of calls are answered with a 500 (Twilio cannot say)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, port: int = 0) -> "FakeTwilio":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                fields = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                form = {name: values[-1] for name, values in fields.items()}
                status, payload = fake._answer(self.path, form, self.headers.get("Authorization", ""), fields)
                if status == 201 and not fake._answer_late(form.get("To", "")):
                    self.close_connection = True  # hung up: the client never hears that it was taken
                    return
                self._send(status, payload)

            def do_GET(self):  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                recording = RECORDING_PATH.fullmatch(url.path)
                if recording:
                    self._send_recording(recording, self.headers.get("Authorization", ""))
                    return
                if CALLS_PATH.fullmatch(url.path) and fake._lookup_fails():
                    self._send(500, {"code": 20500, "message": "Internal error", "status": 500})
                    return
                self._send(200, fake._list(url.path, dict(urllib.parse.parse_qsl(url.query))))

            def _send_recording(self, recording: re.Match, authorization: str) -> None:
                with fake.lock:
                    fake.recordings_fetched.append(recording["sid"])
                    status, delay = fake.recording_fault
                if delay:
                    time.sleep(delay)
                if _basic_auth(authorization) != (recording["account"], fake.token):
                    status = 401  # as Twilio answers a wrong account or token
                if status:
                    self._send(
                        status, {"code": 20003 if status == 401 else 20404, "message": "Fault", "status": status}
                    )
                    return
                audio = recording_audio(recording["sid"])
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/mpeg")
                    self.send_header("Content-Length", str(len(audio)))
                    self.end_headers()
                    self.wfile.write(audio)
                except OSError:
                    pass

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
            self.recording_fault = (0, 0.0)

    def recordings_fail(self, *, status: int = 0, delay: float = 0.0) -> None:
        """Answer recordings with this error status (404: no such recording, 500…), or only after `delay` seconds,
        until `recover()`."""
        with self.lock:
            self.recording_fault = (status, delay)

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

    def _answer(self, path: str, form: dict, authorization: str, fields: dict) -> tuple[int, dict]:
        username, password = _basic_auth(authorization)
        failure = self._failure_for(form.get("To", ""))
        if failure is not None:
            with self.lock:
                self.sent.append(Sent(path, form, username, password, fields=fields))
            return failure.status, {"code": failure.code, "message": failure.message, "status": failure.status}
        if CALLS_PATH.fullmatch(path):
            return self._place_call(
                Sent(path, form, username, password, "CA" + secrets.token_hex(16), fields=fields)
            )
        sent = Sent(path, form, username, password, "SM" + secrets.token_hex(16), fields=fields)
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
        """A message or a call as Twilio's API answers it (each reads the fields it knows)."""
        at = format_datetime(sent.at, usegmt=True)
        return {
            "sid": sent.sid,
            "status": status,
            "to": sent.form.get("To"),
            "from": sent.form.get("From"),
            "body": sent.form.get("Body", ""),
            "date_created": at,
            "date_sent": at,
            "start_time": at,  # a call's
            "direction": "outbound-api",
        }

    def _list(self, path: str, query: dict) -> dict:
        """Twilio's Messages list: the messages taken, newest first, filtered by To, From and DateSent>."""
        if CALLS_PATH.fullmatch(path):
            return self._list_calls(path, query)
        if not re.fullmatch(r"/2010-04-01/Accounts/\w+/Messages\.json", path):
            return {"messages": []}
        found = [self._resource(sent, status="sent") for sent in self._listed(self.taken, query, "DateSent>")]
        return {"messages": found, "page": 0, "page_size": len(found), "next_page_uri": None, "uri": path}

    def _listed(self, taken: list[Sent], query: dict, since: str) -> list[Sent]:
        """A list query (kept in `lookups`): what was taken, newest first, filtered by To, From and `since`."""
        with self.lock:
            self.lookups.append(query)
        after = query.get(since)
        after = datetime.strptime(after, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if after else None
        return [
            sent
            for sent in reversed(taken)
            if sent.form.get("To") == query.get("To", sent.form.get("To"))
            and sent.form.get("From") == query.get("From", sent.form.get("From"))
            and (after is None or sent.at >= after)
        ]

    # Voice: calls placed through the Calls API.

    @property
    def placed_calls(self) -> list[Sent]:
        """The calls Twilio took, oldest first."""
        return [sent for sent in self.taken if sent.sid.startswith("CA")]

    def _lookup_fails(self) -> bool:
        with self.lock:
            if self.failing_lookups <= 0:
                return False
            self.failing_lookups -= 1
            return True

    def _place_call(self, sent: Sent) -> tuple[int, dict]:
        with self.lock:
            self.sent.append(sent)
            scripted = self.call_outcomes.pop(0) if self.call_outcomes else None
        if scripted is None and self.random_outcomes:
            scripted = random.choice(RANDOM_OUTCOMES)
        if self.callbacks and scripted is not None and sent.form.get("StatusCallback"):
            threading.Thread(
                target=self.play_call, args=(sent, *scripted), kwargs={"delay": self.callback_delay}, daemon=True
            ).start()
        return 201, self._resource(sent, status="queued")

    def _list_calls(self, path: str, query: dict) -> dict:
        """Twilio's Calls list: the calls placed, newest first, filtered by To, From and StartTime>."""
        found = [
            self._resource(sent, status="in-progress")
            for sent in self._listed(self.placed_calls, query, "StartTime>")
        ]
        return {"calls": found, "page": 0, "page_size": len(found), "next_page_uri": None, "uri": path}

    def play_call(
        self, sent: Sent, status: str, seconds: int = 0, *, delay: float = 0.0, post: Callable | None = None
    ) -> None:
        """How a placed call went, told to the desk as Twilio tells it: the manager's phone rings and answers
        (status callbacks), the <Dial> to the customer ends with `status` after `seconds` of talk (its action
        URL), then the call completes. "manager-<status>": the manager's own phone ends so, nobody is dialled.
        `post(url, params)` sends each request (default: a signed POST over HTTP)."""
        post = post or self.post_signed
        url = sent.form["StatusCallback"]
        base = {"CallSid": sent.sid, "AccountSid": sent.username, "From": sent.form["From"], "To": sent.form["To"]}
        steps = ["initiated", "ringing"]
        if status.startswith("manager-"):
            steps.append(status.removeprefix("manager-"))
        else:
            steps.append("in-progress")
        for step in steps:
            time.sleep(delay)
            post(url, {**base, "CallStatus": step})
        if status.startswith("manager-"):
            return
        twiml = sent.form.get("Twiml", "")
        action = re.search(r'<Dial [^>]*action="([^"]+)"', twiml)
        if action:
            dial = {
                **base,
                "CallStatus": "in-progress",
                "DialCallSid": "CA" + secrets.token_hex(16),
                "DialCallStatus": status,
                "DialCallDuration": str(seconds),
            }
            if 'record="' in twiml and status == "completed":
                dial |= {"RecordingSid": "RE" + secrets.token_hex(16), "RecordingDuration": str(seconds)}
            time.sleep(delay)
            post(html.unescape(action.group(1)), dial)
        time.sleep(delay)
        post(url, {**base, "CallStatus": "completed", "CallDuration": str(seconds + 8)})

    def _play_callbacks(self, url: str, sid: str, steps: list[str]) -> None:
        for step in steps:
            time.sleep(self.callback_delay)
            self.post_signed(url, {"MessageSid": sid, "MessageStatus": step})

    def post_signed(self, url: str, params: dict[str, str]) -> int:
        """POST a form to the desk as Twilio would, signed with the account's token; the answer's status."""
        return self.post_signed_answer(url, params)[0]

    def post_signed_answer(self, url: str, params: dict[str, str]) -> tuple[int, str]:
        """As `post_signed`, with the answer's text (a voice webhook's TwiML); (0, "") when nothing answered."""
        signature = RequestValidator(self.token).compute_signature(url, params)
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except OSError:
            return 0, ""

    def incoming_call(self, url: str, *, from_: str, to: str, call_sid: str | None = None) -> tuple[int, str]:
        """A customer rings the shop's number: the voice URL request Twilio makes (`call_sid` to retry one)."""
        params = {
            "CallSid": call_sid or "CA" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "From": from_,
            "To": to,
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        return self.post_signed_answer(url, params)

    def dial_ended(
        self, url: str, *, call_sid: str, status: str, duration: int = 0, caller: str = "in-progress"
    ) -> tuple[int, str]:
        """A <Dial> ended (`url`: its action, as the TwiML gave it): "completed" after `duration` seconds of
        talk, or "no-answer", "busy", "failed"; `caller` is the caller's own CallStatus ("completed": they hung
        up)."""
        params = {
            "CallSid": call_sid,
            "AccountSid": "AC" + "0" * 32,
            "CallStatus": caller,
            "DialCallStatus": status,
            "DialCallSid": "CA" + secrets.token_hex(16),
            "DialCallDuration": str(duration),
        }
        return self.post_signed_answer(url, params)

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
    fake = FakeTwilio(token=args.token, callbacks=True, random_outcomes=True).start(args.port)
    print(f"Fake Twilio on {fake.base_url} (status callbacks on)", flush=True)
    autopilot_from_args(fake, args)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
