"""The recording status callback: only Twilio's signature is heard, a completed recording's sid and length are kept
on its call once however often Twilio reports it, a voicemail rings the call-back taker's bell, and odd input never
gets a 5xx."""

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from calls.links import voice_url
from notifications.models import Notification
from orders.models import PhoneCall
from tests.calls.phone_rows import missed_call, recording_sid, talked_call
from tests.conftest import AUTH_TOKEN
from tests.factories import ShopFactory, grant, make_order, manager

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]


def post(client, url: str, params: dict, *, token=AUTH_TOKEN):
    """POST as Twilio would: `url` is the desk's public address it was given (voice_url), signed with the form."""
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(
        url.removeprefix("https://desk.example.com"), params, headers={"X-Twilio-Signature": signature}
    )


def completed(sid: str, seconds: str = "35") -> dict:
    return {"RecordingSid": sid, "RecordingStatus": "completed", "RecordingDuration": seconds, "CallSid": "CA1"}


@pytest.fixture
def order():
    shop = ShopFactory()
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    grant(anna, shops=[shop])
    return make_order(shop, manager=anna, customer_name="Olga Novikova")


def test_a_completed_talk_recording_is_kept_on_its_call(client, order):
    call = talked_call(order, manager=order.manager)
    sid = recording_sid()
    response = post(client, voice_url("recording", call=call.pk, kind="talk"), completed(sid, "125"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml") and b"<Response/>" in response.content
    call.refresh_from_db()
    assert (call.recording_sid, call.recording_duration) == (sid, 125)
    assert (call.voicemail_sid, call.voicemail_duration) == ("", None)


def test_a_voicemail_rings_the_bell_of_whoever_calls_back_once_however_often_twilio_reports_it(client, order):
    vera = manager(username="vera", first_name="Vera", last_name="Orlova")
    call = missed_call(order, rang=[order.manager], assignee=vera)
    sid, url = recording_sid(), voice_url("recording", call=call.pk, kind="voicemail")
    for _ in range(3):  # Twilio retries a callback it did not hear answered in time
        assert post(client, url, completed(sid)).status_code == 200
    call.refresh_from_db()
    assert (call.voicemail_sid, call.voicemail_duration) == (sid, 35)
    bell = Notification.objects.get(kind=Notification.Kind.REPLY)
    assert bell.recipient == vera
    assert bell.shown_text == "Voicemail from Olga Novikova (35 s): listen and call back."
    assert bell.link == reverse("orders:detail", args=[order.pk])
    assert call.recording_sid == ""


def test_a_voicemail_already_called_back_or_with_nobody_to_call_back_rings_no_bell(client, order):
    with_nobody = missed_call(order, assignee=None)
    post(client, voice_url("recording", call=with_nobody.pk, kind="voicemail"), completed(recording_sid()))
    done = missed_call(order)
    done.callback_task.done_at = done.ended_at
    done.callback_task.save()
    post(client, voice_url("recording", call=done.pk, kind="voicemail"), completed(recording_sid()))
    assert PhoneCall.objects.exclude(voicemail_sid="").count() == 2
    assert not Notification.objects.filter(kind=Notification.Kind.REPLY).exists()


def test_a_forged_or_moved_callback_is_refused_and_changes_nothing(client, order):
    call = talked_call(order, manager=order.manager)
    url = voice_url("recording", call=call.pk, kind="talk")
    assert post(client, url, completed(recording_sid()), token="not-the-token").status_code == 403
    # Signed for another call: the query is part of what Twilio signs.
    other = talked_call(order, manager=order.manager)
    params = completed(recording_sid())
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    moved = reverse("voice:recording") + f"?call={other.pk}&kind=talk"
    assert client.post(moved, params, headers={"X-Twilio-Signature": signature}).status_code == 403
    assert client.post(reverse("voice:recording") + f"?call={call.pk}&kind=talk", params).status_code == 403
    assert not PhoneCall.objects.exclude(recording_sid="").exists()


def test_a_get_is_not_a_callback(client, order):
    assert client.get(voice_url("recording", call=1, kind="talk")).status_code == 405


@pytest.mark.parametrize("status", ["in-progress", "absent", "failed", ""])
def test_a_recording_not_completed_is_not_kept(client, order, status):
    call = talked_call(order, manager=order.manager)
    params = {**completed(recording_sid()), "RecordingStatus": status}
    assert post(client, voice_url("recording", call=call.pk, kind="talk"), params).status_code == 200
    call.refresh_from_db()
    assert call.recording_sid == ""


@pytest.mark.parametrize(
    "query, params",
    [
        ({"call": "abc", "kind": "talk"}, completed(recording_sid())),
        ({"call": "99999999", "kind": "talk"}, completed(recording_sid())),
        ({"call": "9" * 40, "kind": "talk"}, completed(recording_sid())),
        ({"call": "²", "kind": "talk"}, completed(recording_sid())),
        ({"kind": "talk"}, completed(recording_sid())),
        ({"call": "CALL", "kind": "song"}, completed(recording_sid())),
        ({"call": "CALL", "kind": "talk"}, completed("not-a-sid")),
        ({"call": "CALL", "kind": "talk"}, completed("RE" + "x" * 300)),
        ({"call": "CALL", "kind": "talk"}, {**completed(recording_sid()), "RecordingDuration": "²"}),
        ({"call": "CALL", "kind": "talk"}, {**completed(recording_sid()), "RecordingDuration": "9" * 30}),
        ({"call": "CALL", "kind": "talk"}, {}),
    ],
)
def test_odd_input_never_gets_a_5xx(client, order, query, params):
    call = talked_call(order, manager=order.manager)
    query = {key: str(call.pk) if value == "CALL" else value for key, value in query.items()}
    assert post(client, voice_url("recording", **query), params).status_code == 200
