"""The fake Twilio's voice autopilot for `make demo`: now and then (every 40–90 s by default) a demo customer, or
now and then a stranger, rings one of the demo shops' voice numbers: a signed POST to the desk's voice webhook, as
Twilio makes it. When the desk's TwiML rings a manager (<Dial action=…>), the autopilot "answers" after a few
seconds with a random outcome — picked up and talked, no answer, busy — as Twilio's <Dial> action request, and
goes on while the desk rings the next manager; so the caller's card, missed calls and the call-back tasks move
while one watches. Off unless asked (`--voice-url`): tests drive the fake themselves.

Django-free: it runs inside the fake Twilio's process, which knows nothing of the desk's database; the demo loads
the same numbers (config.demo_phone)."""

import argparse
import logging
import random
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)

# The demo shops' Twilio voice numbers (config.demo_phone gives them to the shops).
DEMO_VOICE_NUMBERS = {"garden": "+74951230001", "gadgets": "+73432230002"}
# Who rings: demo customers (config.demo.CUSTOMERS: the card shows them and their orders) and two strangers
# (an unknown caller: "New order" with the number filled in).
DEMO_CALLERS = ["+79161234501", "+79161234502", "+79161234503", "+74232123456", "+79161234505"]
DEMO_STRANGERS = ["+79035550101", "+79265550202"]
# How a rung manager "answers" (Twilio's DialCallStatus), and how often: most pick up.
DIAL_OUTCOMES = [("completed", 6), ("no-answer", 3), ("busy", 1)]


class VoiceFake(Protocol):
    """What the autopilot asks of the fake Twilio (config.fake_twilio.FakeTwilio, which imports this module):
    Twilio's two voice requests."""

    def incoming_call(self, url: str, *, from_: str, to: str, call_sid: str | None = None) -> tuple[int, str]: ...

    def dial_ended(self, url: str, *, call_sid: str, status: str, duration: int = 0) -> tuple[int, str]: ...


@dataclass
class Autopilot:
    fake: VoiceFake
    voice_url: str  # the desk's /webhooks/twilio/voice/
    every: tuple[float, float] = (40.0, 90.0)  # seconds between calls: a random wait in this range
    answer_after: tuple[float, float] = (3.0, 8.0)  # how long a manager's phone rings before the outcome
    talk: tuple[int, int] = (15, 180)  # seconds of talk when a manager picks up
    rng: random.Random = field(default_factory=random.Random)
    stopped: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "Autopilot":
        threading.Thread(target=self._run, name="fake-twilio-autopilot", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while not self.stopped.wait(self.rng.uniform(*self.every)):
            try:
                for line in self.call_once():
                    print(line, flush=True)
            except Exception:  # the demo goes on whatever one call met (the desk restarting, a slow answer)
                log.exception("The demo call failed")

    def call_once(self) -> list[str]:
        """One call from ring to end; what happened, a line per step (printed by the demo)."""
        caller = self.rng.choice(DEMO_CALLERS if self.rng.random() < 0.8 else DEMO_STRANGERS)
        to = self.rng.choice(list(DEMO_VOICE_NUMBERS.values()))
        call_sid = "CA" + secrets.token_hex(16)
        status, twiml = self.fake.incoming_call(self.voice_url, from_=caller, to=to, call_sid=call_sid)
        said = [f"{caller} calls {to}: {status}"]
        # Each <Dial> rings one manager; its action tells the desk how that ended, and the desk's answer may ring
        # the next one. A bound, in case a desk answered with <Dial> for ever.
        for _ in range(10):
            action = _dial_action(twiml)
            if status != 200 or action is None or self.stopped.is_set():
                break
            time.sleep(self.rng.uniform(*self.answer_after))
            outcome = self.rng.choices([name for name, _ in DIAL_OUTCOMES], [w for _, w in DIAL_OUTCOMES])[0]
            duration = self.rng.randint(*self.talk) if outcome == "completed" else 0
            status, twiml = self.fake.dial_ended(action, call_sid=call_sid, status=outcome, duration=duration)
            said.append(f"  rang a manager: {outcome} {duration} s → {status}")
        return said


def _dial_action(twiml: str) -> str | None:
    """The action URL of the TwiML's <Dial>, if it rings someone; None when the call ends or goes to voicemail."""
    try:
        root = ET.fromstring(twiml)
    except ET.ParseError:
        return None
    dial = root.find("Dial")
    return None if dial is None else dial.get("action")


def autopilot_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--voice-url", default="", help="the desk's voice webhook: place demo calls to it")
    parser.add_argument(
        "--calls-every", default="40-90", help="seconds between demo calls, a range (e.g. 40-90); 0: none"
    )


def autopilot_from_args(fake: VoiceFake, args: argparse.Namespace) -> Autopilot | None:
    """The demo's autopilot, when `--voice-url` asks for one."""
    low, _, high = args.calls_every.partition("-")
    every = (float(low), float(high or low))
    if not args.voice_url or every[1] <= 0:
        return None
    print(f"Demo calls to {args.voice_url} every {args.calls_every} s", flush=True)
    return Autopilot(fake, args.voice_url, every=every).start()
