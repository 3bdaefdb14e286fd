"""The demo's phone: demo shops have voice numbers and phone settings that pass the admin's own checks, demo
managers have somewhere to be rung, and the fake Twilio's autopilot now and then rings a demo shop as a demo
customer (a signed voice webhook) and "answers" each manager the desk rings with a random outcome; off unless the
demo asks for it."""

import argparse
import random
import secrets
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from assignment.models import ManagerProfile
from config.demo import CUSTOMERS, demo_load
from config.fake_twilio_autopilot import (
    DEMO_CALLERS,
    DEMO_STRANGERS,
    DEMO_VOICE_NUMBERS,
    Autopilot,
    autopilot_arguments,
    autopilot_from_args,
)
from orders.models import ShopAddress, ShopVoice
from tests.factories import msk

TOKEN = "demo-token"
DAYTIME = msk(2026, 11, 24, 12, 0)


@pytest.mark.django_db
def test_demo_shops_have_voice_numbers_and_phone_settings_the_admin_would_accept_and_managers_somewhere_to_ring():
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
    for code, number in DEMO_VOICE_NUMBERS.items():
        address = ShopAddress.objects.get(channel="voice", address=number)
        assert address.shop.code == code
        address.full_clean()  # E.164, as the admin keeps it
        ShopVoice.objects.get(shop__code=code).full_clean()  # the greeting renders
    assert ShopVoice.objects.get(shop__code="gadgets").record_calls
    profiles = ManagerProfile.objects.all()
    assert profiles.count() == 5 and all(profile.phone or profile.sip for profile in profiles)
    for profile in profiles:
        profile.full_clean()
    # Loaded again, what an admin changed since stays.
    ManagerProfile.objects.filter(user__username="manager1").update(sip="", phone="+79169999999")
    ShopVoice.objects.filter(shop__code="garden").update(ring_seconds=25)
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
    assert ManagerProfile.objects.get(user__username="manager1").phone == "+79169999999"
    assert ShopVoice.objects.get(shop__code="garden").ring_seconds == 25
    assert ShopAddress.objects.filter(channel="voice").count() == len(DEMO_VOICE_NUMBERS)


def test_the_autopilots_callers_are_demo_customers_and_strangers_are_not():
    phones = {phone for _name, phone, _email, _city in CUSTOMERS}
    assert set(DEMO_CALLERS) <= phones
    assert not set(DEMO_STRANGERS) & phones


class SignedVoice:
    """Twilio's two voice requests as the fake Twilio makes them (config.fake_twilio: incoming_call, dial_ended):
    forms POSTed to the desk, signed with the account's token; the answer's status and TwiML."""

    def _post(self, url: str, params: dict[str, str]) -> tuple[int, str]:
        signature = RequestValidator(TOKEN).compute_signature(url, params)
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()

    def incoming_call(self, url, *, from_, to, call_sid=None):
        sid = call_sid or "CA" + secrets.token_hex(16)
        return self._post(url, {"CallSid": sid, "From": from_, "To": to, "CallStatus": "ringing"})

    def dial_ended(self, url, *, call_sid, status, duration=0):
        params = {"CallSid": call_sid, "DialCallStatus": status, "DialCallDuration": str(duration)}
        return self._post(url, params)


@pytest.fixture
def desk_voice():
    """A local stand-in for the desk's voice webhook: it checks Twilio's signature, rings up to two managers in
    turn (<Dial action=…>) and hangs up when one answers or both rang out; it keeps every request."""
    heard: list[tuple[str, dict[str, str], bool]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            url = f"http://127.0.0.1:{server.server_address[1]}{self.path}"
            signed = RequestValidator(TOKEN).validate(url, form, self.headers.get("X-Twilio-Signature", ""))
            heard.append((self.path, form, signed))
            twiml = VoiceResponse()
            rung = sum(1 for path, *_ in heard if path.startswith("/voice/dial/"))
            if self.path == "/voice/" or (form.get("DialCallStatus") != "completed" and rung < 2):
                dial = twiml.dial(action=f"{url.split('/voice/')[0]}/voice/dial/?leg={rung + 1}", timeout=20)
                dial.sip(f"sip:manager{rung + 1}@pbx.example.com")
            else:
                twiml.hangup()
            body = str(twiml).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/voice/", heard
    server.shutdown()


def test_a_demo_call_rings_a_shop_as_a_demo_customer_and_answers_each_manager_rung(desk_voice):
    url, heard = desk_voice
    pilot = Autopilot(SignedVoice(), url, answer_after=(0, 0.01), rng=random.Random(7))
    seen_outcomes = set()
    for _ in range(12):
        heard.clear()
        said = pilot.call_once()
        (path, call, signed), *dials = heard
        assert path == "/voice/" and signed
        assert call["From"] in DEMO_CALLERS + DEMO_STRANGERS and call["To"] in DEMO_VOICE_NUMBERS.values()
        assert 1 <= len(dials) <= 2 and len(said) == 1 + len(dials)
        for n, (dial_path, form, dial_signed) in enumerate(dials, start=1):
            assert dial_path == f"/voice/dial/?leg={n}" and dial_signed
            assert form["CallSid"] == call["CallSid"]
            status, duration = form["DialCallStatus"], int(form["DialCallDuration"])
            assert status in ("completed", "no-answer", "busy")
            assert (duration > 0) == (status == "completed")
            seen_outcomes.add(status)
        # A manager who picked up ends the ringing; a second manager is rung only after the first did not.
        assert all(form["DialCallStatus"] != "completed" for _, form, _ in dials[:-1])
    assert seen_outcomes == {"completed", "no-answer", "busy"}


def test_the_autopilot_calls_now_and_then_until_stopped(desk_voice):
    url, heard = desk_voice
    pilot = Autopilot(SignedVoice(), url, every=(0.05, 0.1), answer_after=(0, 0.01)).start()
    deadline = time.monotonic() + 5
    while sum(path == "/voice/" for path, *_ in heard) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    pilot.stop()
    time.sleep(0.3)
    calls = sum(path == "/voice/" for path, *_ in heard)
    assert calls >= 3
    time.sleep(0.3)
    assert sum(path == "/voice/" for path, *_ in heard) == calls  # stopped: no more calls


@pytest.mark.parametrize(
    ("argv", "started"),
    [
        ([], False),  # tests and a plain fake Twilio: no calls
        (["--voice-url", "http://127.0.0.1:1/voice/", "--calls-every", "0"], False),
        (["--voice-url", "http://127.0.0.1:1/voice/", "--calls-every", "20-40"], True),
    ],
)
def test_the_autopilot_runs_only_when_the_demo_asks_at_the_pace_it_asks(argv, started):
    parser = argparse.ArgumentParser()
    autopilot_arguments(parser)
    pilot = autopilot_from_args(SignedVoice(), parser.parse_args(argv))
    assert (pilot is not None) == started
    if pilot is not None:
        assert pilot.every == (20.0, 40.0)
        pilot.stop()
