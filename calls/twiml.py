"""What Twilio is told to do with an incoming call, built with twilio's VoiceResponse from what the desk has
recorded (never decided here): the shop's greeting, the recording notice, a <Dial> to the manager being rung,
or, when the call is missed, the hours or "we will call you back" and a voicemail. Said in the shop's customers'
language."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from twilio.twiml.voice_response import VoiceResponse

from calls.links import voice_url
from calls.shop_voice import shop_voice
from notifications.rendering import message_context
from orders.exceptions import TextDoesNotRender
from orders.models import PhoneCall, ShopVoice
from orders.templating import text_render

# <Say language=…> for the desk's languages.
SAY_LANGUAGES = {"ru": "ru-RU", "en": "en-US"}
VOICEMAIL_SECONDS = 120


def _say(response: VoiceResponse, text: str) -> None:
    response.say(text, language=SAY_LANGUAGES.get(translation.get_language() or "", "en-US"))


def _text(source: str, call: PhoneCall, default: str) -> str:
    """An admin's text (template syntax) over the call's customer and order; the default when it is empty or
    does not render (the admin form refuses such a text, but a call must never fail on one)."""
    if source.strip():
        try:
            return text_render(source, message_context(order=call.order, customer=call.customer), "text")
        except TextDoesNotRender:
            pass
    return default


def _greet(response: VoiceResponse, call: PhoneCall, voice: ShopVoice, *, recorded: bool) -> None:
    if voice.greeting_url:
        response.play(voice.greeting_url)
    else:
        default = gettext("Hello! You have reached %(shop)s.") % {"shop": call.shop.name}
        _say(response, _text(voice.greeting, call, default))
    if recorded:
        _say(response, voice.legal_notice.strip() or gettext("This call is recorded for quality purposes."))


def _dial(response: VoiceResponse, call: PhoneCall, voice: ShopVoice, rang: str, leg_id: int) -> None:
    extra = {}
    if voice.record_calls:
        extra = {
            "record": "record-from-answer",
            "recording_status_callback": voice_url("recording", call=call.pk, kind="talk"),
        }
    dial = response.dial(timeout=voice.ring_seconds, action=voice_url("dial", call=call.pk, leg=leg_id), **extra)
    if rang.startswith("sip:"):
        dial.sip(rang)
    else:
        dial.number(rang)


def _missed(response: VoiceResponse, call: PhoneCall, voice: ShopVoice) -> None:
    if call.missed == PhoneCall.Missed.OFF_HOURS:
        default = gettext("We are closed now: our hours are %(hours)s. We will call you back.") % {
            "hours": call.shop.hours_label
        }
        _say(response, _text(voice.hours_text, call, default))
    else:
        _say(response, gettext("All our managers are busy. We will call you back."))
    if voice.voicemail:
        _say(response, gettext("Or leave a message after the tone."))
        response.record(
            max_length=VOICEMAIL_SECONDS,
            play_beep=True,
            action=voice_url("dial", call=call.pk, left="voicemail"),
            recording_status_callback=voice_url("recording", call=call.pk, kind="voicemail"),
        )
    response.hangup()


def call_twiml(call: PhoneCall, *, first: bool) -> str:
    """The TwiML for the call as it stands: `first`, the answer to the call itself (with the greeting); else the
    answer to a <Dial>'s end."""
    voice = shop_voice(call.shop)
    response = VoiceResponse()
    with translation.override(call.shop.customer_language):
        leg = call.legs.filter(ended_at__isnull=True).order_by("-pk").first()
        if call.answered_at is not None or call.missed == PhoneCall.Missed.HUNG_UP:
            response.hangup()
        elif leg is not None:
            if first:
                _greet(response, call, voice, recorded=voice.record_calls)
            _dial(response, call, voice, leg.rang, leg.pk)
        elif call.missed:
            if first:
                _greet(response, call, voice, recorded=False)
            _missed(response, call, voice)
        else:  # nothing recorded to do (cannot happen through flow 8): the caller is not left in silence
            _say(response, gettext("All our managers are busy. We will call you back."))
            response.hangup()
    return str(response)


def goodbye_twiml(call: PhoneCall) -> str:
    """After the caller's voicemail."""
    response = VoiceResponse()
    with translation.override(call.shop.customer_language):
        _say(response, gettext("Thank you, we will call you back."))
    response.hangup()
    return str(response)


def no_call_twiml() -> str:
    """A call the desk cannot take (a number no shop claims, a withheld number, or a fault): a polite word in the
    desk's language, nothing stored."""
    response = VoiceResponse()
    with translation.override(settings.LANGUAGE_CODE):
        _say(response, gettext("Sorry, we cannot take your call right now. Please call again later."))
    response.hangup()
    return str(response)
