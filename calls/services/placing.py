"""Click-to-call and auto-dial: Twilio rings the manager's phone (or SIP address) and, once they answer, connects
the customer with the shop's voice number as the caller ID. The call is written first and committed, then Twilio
is asked (a request that may take seconds holds no lock); its status callbacks find the call by the id signed in
their URL, even when Twilio's answer never came back."""

import logging
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext
from django_q.tasks import async_task
from twilio.twiml.voice_response import VoiceResponse

from assignment.models import ManagerProfile
from calls.exceptions import CallRefused, CallUncertain
from calls.links import voice_url
from calls.selectors import auto_dial_ready, customer_night_now, manager_rings_at, shop_voice_number
from notifications.channels.twilio import call_create, calls_placed_since
from notifications.exceptions import ChannelError
from orders.models import CallLeg, Customer, Order, PhoneCall, ShopVoice
from orders.services import phone_calls_called_back

log = logging.getLogger(__name__)

# Twilio ends any call after 4 hours (its default time limit): a call out with no end older than that was lost
# (its callbacks never came) and keeps nobody "on a call".
LIVE_AT_MOST = timedelta(hours=4)
# What the status callback hears about: enough to follow the manager's leg from the first ring to the end.
CALL_EVENTS = ["initiated", "ringing", "answered", "completed"]
# How long the customer's phone rings before Twilio gives up ("no-answer").
CUSTOMER_RINGS_FOR = 30


def call_place(
    *, order: Order | None = None, customer: Customer, manager: User, night_confirmed: bool = False
) -> PhoneCall:
    """Ring `manager`, then connect `customer` (about `order`, when the call is made from its page). Refused
    (CallRefused, a sentence for the manager) when there is nothing to ring or call from, in the customer's night
    without `night_confirmed`, for a closed order, or while the manager is on a call. An answer from Twilio that
    never came (CallUncertain) leaves the call open: it may ring after all, and is looked up before another."""
    _uncertain_calls_look_up(manager=manager)
    call, rang = _call_open(order=order, customer=customer, manager=manager, night_confirmed=night_confirmed)
    record = ShopVoice.objects.filter(shop_id=call.shop_id, record_calls=True).exists()
    sid: str | None
    try:
        sid = call_create(
            to=rang,
            from_=call.from_number,
            twiml=call_twiml(call, record=record),
            status_callback=voice_url("status", call=call.pk),
            events=CALL_EVENTS,
        )
    except ChannelError as error:
        sid = _placed_sid_or_none(call, rang) if error.uncertain else None
        if sid is None and error.uncertain:
            log.warning("Call %s: Twilio's answer never came (%s); looked up before another try.", call.pk, error)
            raise CallUncertain(
                gettext(
                    "Twilio did not answer in time: your phone may still ring. If it does not, try again in a "
                    "minute (the desk checks with Twilio first, so the customer is never called twice)."
                )
            ) from error
        if sid is None:
            _call_failed(call)
            raise CallRefused(
                gettext("Twilio refused the call, nobody was rung: %(error)s") % {"error": error}
            ) from error
    _call_taken(call, sid)
    return call


def call_twiml(call: PhoneCall, *, record: bool) -> str:
    """What Twilio does once the manager answers: dial the customer with the shop's number as caller ID; the
    <Dial>'s end tells the desk how the customer answered (and the recording, when the shop records calls)."""
    response = VoiceResponse()
    dial = response.dial(
        caller_id=call.from_number,
        action=voice_url("status", call=call.pk, dial=1),
        timeout=CUSTOMER_RINGS_FOR,
        **({"record": "record-from-answer-dual"} if record else {}),
    )
    dial.number(call.to_number)
    return str(response)


def _placed_sid_or_none(call: PhoneCall, rang: str) -> str | None:
    try:
        return _placed_sid(call, rang)
    except ChannelError as error:
        log.warning("Call %s: looking it up at Twilio failed: %s", call.pk, error)
        return None


def _night_refusal(customer: Customer, now: datetime) -> str | None:
    local = customer_night_now(customer, now)
    if local is None:
        return None
    return gettext(
        "It is %(time)s for %(name)s: their night. Call only if they asked for it, with “Call anyway”."
    ) % {"time": time_format(local, "H:i"), "name": customer.name or customer.phone}


def _on_a_call(manager: User, now: datetime) -> bool:
    since = now - LIVE_AT_MOST
    live_out = PhoneCall.objects.filter(manager=manager, ended_at__isnull=True, started_at__gte=since)
    live_leg = CallLeg.objects.filter(manager=manager, ended_at__isnull=True, started_at__gte=since)
    return live_out.exists() or live_leg.exists()


@transaction.atomic
def _call_open(
    *, order: Order | None, customer: Customer, manager: User, night_confirmed: bool
) -> tuple[PhoneCall, str]:
    """The checks and the call's row, under the lock of the manager's profile: two clicks place one call."""
    now = timezone.now()
    if order is not None and order.is_final:
        raise CallRefused(gettext("The order is closed; there is nobody to call about it."))
    profile = ManagerProfile.objects.select_for_update().filter(user=manager).first()
    rang = manager_rings_at(profile)
    if not rang:
        raise CallRefused(
            gettext("Your profile has no phone or SIP address for the desk to ring: ask an admin to add one.")
        )
    shop = customer.shop
    from_number = shop_voice_number(shop)
    if not from_number:
        raise CallRefused(
            gettext("%(shop)s has no voice number to call from: an admin adds one to the shop's numbers.")
            % {"shop": shop.name}
        )
    if not customer.phone:
        raise CallRefused(gettext("%(name)s has no phone number to call.") % {"name": customer.name})
    night = _night_refusal(customer, now)
    if night and not night_confirmed:
        raise CallRefused(night)
    if _on_a_call(manager, now):
        raise CallRefused(
            gettext(
                "You are already on a call (or the last one is not confirmed by Twilio yet): finish it, or try "
                "again in a minute."
            )
        )
    call = PhoneCall.objects.create(
        direction=PhoneCall.Direction.OUTBOUND,
        shop=shop,
        customer=customer,
        order=order,
        from_number=from_number,
        to_number=customer.phone,
        manager=manager,
        started_at=now,
        night_confirmed=bool(night),
    )
    phone_calls_called_back(customer=customer, at=now)
    return call, rang


def _call_taken(call: PhoneCall, sid: str) -> None:
    # A status callback (it carries the call's id) may have come first and written the SID already.
    PhoneCall.objects.filter(pk=call.pk, call_sid__isnull=True).update(call_sid=sid)
    call.refresh_from_db(fields=["call_sid", "state"])


def _call_failed(call: PhoneCall) -> None:
    PhoneCall.objects.filter(pk=call.pk, ended_at__isnull=True).update(
        state=PhoneCall.State.FAILED, ended_at=timezone.now()
    )
    call.refresh_from_db(fields=["state", "ended_at"])


def _placed_sid(call: PhoneCall, rang: str) -> str | None:
    """The SID of the call Twilio placed for `call` although its answer never came back, or None when it placed
    none; ChannelError when Twilio cannot say."""
    placed = calls_placed_since(to=rang, from_=call.from_number, since=call.started_at)
    known = set(
        PhoneCall.objects.filter(call_sid__in=[sid for sid, _ in placed]).values_list("call_sid", flat=True)
    )
    return next((sid for sid, _ in placed if sid not in known), None)


def _uncertain_calls_look_up(*, manager: User) -> None:
    """Before another call: the manager's calls whose placing Twilio never confirmed are looked up. Found, the
    call is theirs (and they are on it); not placed, it is closed as failed. Twilio cannot say: it stays open,
    and the manager is told to wait."""
    now = timezone.now()
    unconfirmed = PhoneCall.objects.filter(
        manager=manager,
        direction=PhoneCall.Direction.OUTBOUND,
        call_sid__isnull=True,
        ended_at__isnull=True,
        started_at__gte=now - LIVE_AT_MOST,
    )
    rang = manager_rings_at(ManagerProfile.objects.filter(user=manager).first())
    for call in unconfirmed:
        try:
            sid = _placed_sid(call, rang)
        except ChannelError as error:
            log.warning("Call %s: still unconfirmed, Twilio cannot say: %s", call.pk, error)
            continue
        if sid is None:
            _call_failed(call)
        else:
            _call_taken(call, sid)


def call_place_after_commit(*, order: Order, manager: User) -> None:
    """Auto-dial: place the call once the order's move is committed, from a q2 worker (Twilio's answer takes
    seconds; the status change does not wait for it)."""
    order_id, manager_id = order.pk, manager.pk
    transaction.on_commit(lambda: async_task("calls.tasks.place_call", order_id, manager_id))


def call_place_auto(*, order_id: int, manager_id: int) -> PhoneCall | None:
    """Auto-dial's call, if it still holds when the worker runs: the order is still the manager's and open, their
    auto-dial on, they are Free, and it is not the customer's night. A refusal leaves the call task in their
    Next."""
    mine = Order.objects.filter(pk=order_id, manager_id=manager_id)
    order = mine.select_related("customer__shop", "manager").first()
    if order is None or order.manager is None or order.is_final:
        return None
    if not auto_dial_ready(manager=order.manager, customer=order.customer):
        return None
    try:
        return call_place(order=order, customer=order.customer, manager=order.manager)
    except CallRefused as refusal:
        log.info("Auto-dial of order %s refused: %s", order.pk, refusal)
        return None
