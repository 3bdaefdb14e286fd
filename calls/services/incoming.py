"""Incoming calls: a customer rings one of a shop's voice numbers. The call is kept once per CallSid (Twilio
retries), matched to the customer by phone (a caller the shop does not know gets a record with only the phone),
and announced (`call_arrived`): the desk's flow 8 rings the team one manager at a time (`call_ring_next`) and
each <Dial>'s end (`call_dial_ended`) says whether someone answered. The webhook then answers Twilio with TwiML
built from what was recorded (calls.twiml)."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from assignment.services import call_ring_pick
from calls import signals
from calls.selectors import manager_rings_at
from calls.shop_voice import shop_voice, voice_number_shop
from core.phrases import phrase
from orders.models import CallLeg, CallOutcome, Order, PhoneCall
from orders.phones import phone_normalize
from orders.services import customer_for_contact

log = logging.getLogger(__name__)

# DialCallStatus of a leg someone picked up ("answered" is what Twilio says while the talk goes on).
ANSWERED = {"completed", "answered"}
# The caller's own CallStatus once they have hung up.
CALLER_GONE = {"completed", "canceled", "busy", "failed", "no-answer"}


def phone_or_blank(text: str) -> str:
    """A caller's number in E.164, or "" for a withheld number ("anonymous") or garbage."""
    try:
        return phone_normalize(text)
    except ValidationError:
        return ""


def call_arrive(
    *, call_sid: str, from_number: str, to_number: str, now: datetime | None = None
) -> PhoneCall | None:
    """Keep an incoming call (once per CallSid: a retry gets the call as it stands) and announce it. None when the
    desk cannot take it: a number no shop claims, or a caller whose number is withheld (nobody could call them
    back); such a call is only logged."""
    now = now or timezone.now()
    shop = voice_number_shop(phone_or_blank(to_number))
    phone = phone_or_blank(from_number)
    if shop is None or not phone:
        why = "no shop has this voice number" if shop is None else "the caller's number is withheld"
        log.warning("Incoming call %s from %r to %r not taken: %s", call_sid, from_number, to_number, why)
        return None
    with transaction.atomic():
        known = PhoneCall.objects.filter(call_sid=call_sid).first()
        if known is not None:
            return known
        customer, _ = customer_for_contact(
            shop=shop, phone=phone, how=phrase(gettext_noop("Customer record created: they phoned the shop"))
        )
        order = Order.objects.filter(customer=customer, is_final=False).order_by("-created_at").first()
        try:
            with transaction.atomic():
                call = PhoneCall.objects.create(
                    direction=PhoneCall.Direction.INBOUND,
                    shop=shop,
                    customer=customer,
                    order=order,
                    call_sid=call_sid,
                    state=PhoneCall.State.RINGING,
                    from_number=phone,
                    to_number=to_number[:64],
                    started_at=now,
                )
        except IntegrityError:  # the same retry, a moment earlier, on another worker
            return PhoneCall.objects.get(call_sid=call_sid)
        signals.call_arrived.send(sender=PhoneCall, call=call, now=now)
    return call


def call_ring_next(*, call: PhoneCall, now: datetime | None = None) -> CallLeg | None:
    """Ring the next manager (routing's choice, `call_ring_pick`), at most the shop's "managers rung at most";
    None when nobody more can be rung. The leg is written under the manager's lock (see `call_ring_pick`)."""
    now = now or timezone.now()
    with transaction.atomic():
        tried = list(call.legs.values_list("manager_id", flat=True))
        if len(tried) >= shop_voice(call.shop).ring_at_most:
            return None
        manager = call_ring_pick(shop=call.shop, customer=call.customer, tried_user_ids=tried, now=now)
        if manager is None:
            return None
        rang = manager_rings_at(manager.manager_profile)
        leg = CallLeg.objects.create(call=call, manager=manager, rang=rang, started_at=now)
        signals.call_ringing.send(sender=CallLeg, leg=leg)
    return leg


def call_dial_ended(
    *,
    call_id: int,
    leg_id: int,
    dial_status: str,
    dial_sid: str = "",
    duration: int = 0,
    call_status: str = "",
    now: datetime | None = None,
) -> PhoneCall | None:
    """A <Dial> to a manager ended: answered (the call is theirs and over), or rang out, busy, refused, or the
    caller hung up waiting (`call_unanswered`: flow 8 rings the next or misses the call). A retry, or a leg that
    has already ended, changes nothing. None: no such incoming call."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = PhoneCall.objects.select_for_update(of=("self",)).select_related("shop", "customer", "order")
        call = rows.filter(pk=call_id, direction=PhoneCall.Direction.INBOUND).first()
        if call is None:
            return None
        leg = call.legs.filter(pk=leg_id, ended_at__isnull=True).select_related("manager").first()
        if leg is None:
            return call
        leg.ended_at, leg.answered, leg.leg_sid = now, dial_status in ANSWERED, dial_sid[:64]
        leg.save(update_fields=["ended_at", "answered", "leg_sid"])
        signals.call_leg_ended.send(sender=CallLeg, leg=leg)
        if leg.answered:
            call.manager, call.duration = leg.manager, duration
            call.answered_at = max(leg.started_at, now - timedelta(seconds=duration))
            call.ended_at, call.state, call.outcome = now, PhoneCall.State.COMPLETED, CallOutcome.REACHED
            call.save(update_fields=["manager", "duration", "answered_at", "ended_at", "state", "outcome"])
        else:
            signals.call_unanswered.send(
                sender=PhoneCall, call=call, leg=leg, caller_gone=call_status in CALLER_GONE, now=now
            )
    return call
