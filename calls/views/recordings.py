"""A call's recording and voicemail, played through the desk: the page's <audio> points here, the desk checks who
is listening and streams the audio from Twilio with the account's credentials, so no page ever holds a Twilio
address or a credential."""

import logging

import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from calls.selectors.listening import CALL_LOADS, call_audible
from calls.services import RecordingKind
from core import roles
from core.http import role_required
from orders.models import PhoneCall

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
CHUNK = 64 * 1024
# What the browser's player needs from Twilio's answer to seek and show the length.
PASSED_ON = ("Content-Length", "Content-Range", "Accept-Ranges")
NOT_ALLOWED = _("Only the managers of this customer, and the supervisors and inspectors of the shop, hear calls.")


def _audio_url(sid: str) -> str:
    base = settings.TWILIO_BASE_URL or TWILIO_API
    return f"{base}/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Recordings/{sid}.mp3"


def _unavailable(request, call: PhoneCall) -> HttpResponse:
    return render(request, "calls/recording_unavailable.html", {"call": call}, status=502)


def _streamed(upstream: requests.Response):
    try:
        yield from upstream.iter_content(CHUNK)
    except requests.RequestException:  # Twilio stopped mid-way: the player shows what it got
        log.warning("A recording's stream from Twilio broke off")
    finally:
        upstream.close()


def _play(request, pk: int, kind: RecordingKind) -> HttpResponseBase:
    call = PhoneCall.objects.select_related(*CALL_LOADS).filter(pk=pk).first()
    sid = "" if call is None else call.voicemail_sid if kind == RecordingKind.VOICEMAIL else call.recording_sid
    if call is None or not sid:
        raise Http404("No such recording")
    if not call_audible(user=request.user, call=call):
        raise PermissionDenied(NOT_ALLOWED)
    range_asked = {"Range": request.headers["Range"]} if "Range" in request.headers else {}
    try:
        upstream = requests.get(
            _audio_url(sid),
            auth=(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN),
            headers=range_asked,
            stream=True,
            timeout=settings.TWILIO_TIMEOUT,  # to connect, and between two pieces of audio
        )
    except requests.RequestException as exc:
        log.warning("Twilio did not give recording %s: %s", sid, exc)
        return _unavailable(request, call)
    if upstream.status_code not in (200, 206):
        log.warning("Twilio answered %s for recording %s", upstream.status_code, sid)
        upstream.close()
        return _unavailable(request, call)
    response = StreamingHttpResponse(
        _streamed(upstream),
        status=upstream.status_code,
        content_type=upstream.headers.get("Content-Type", "audio/mpeg"),
    )
    for header in PASSED_ON:
        if header in upstream.headers:
            response[header] = upstream.headers[header]
    response["Cache-Control"] = "private, no-store"  # a customer's voice: kept by no cache on the way
    return response


@role_required(roles.can_hear_calls, NOT_ALLOWED)
@require_GET
def recording_view(request, pk: int):
    return _play(request, pk, RecordingKind.TALK)


@role_required(roles.can_hear_calls, NOT_ALLOWED)
@require_GET
def voicemail_view(request, pk: int):
    return _play(request, pk, RecordingKind.VOICEMAIL)
