"""A call's recordings as Twilio reports them: the talk (when the shop records calls) and a voicemail. The desk
keeps only Twilio's RecordingSid and length; the audio stays with Twilio and is played through the desk."""

import logging
from enum import StrEnum

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from core.phrases import phrase
from notifications.models import Notification
from notifications.services import notification_create
from orders.models import PhoneCall

log = logging.getLogger(__name__)

# Twilio's RecordingSid: "RE" and 32 hex digits; anything else is not played through the desk.
RECORDING_SID_LENGTH = 34


class RecordingKind(StrEnum):
    TALK = "talk"
    VOICEMAIL = "voicemail"


def recording_sid_valid(sid: str) -> bool:
    return len(sid) == RECORDING_SID_LENGTH and sid.startswith("RE") and sid[2:].isalnum()


def call_page_link(call: PhoneCall) -> str:
    """Where a call is listened to: its order's page, or the customer's when it is about no order."""
    if call.order_id:
        return reverse("orders:detail", args=[call.order_id])
    return reverse("orders:customer", args=[call.customer_id])


@transaction.atomic
def call_recording_store(
    *, call_id: int, kind: str, recording_sid: str, status: str, duration: int | None
) -> PhoneCall | None:
    """Keep a completed recording's sid and length on its call, once: Twilio retries and may report a recording
    again. A new voicemail rings the bell of whoever has the call-back task. None when nothing was stored (not
    completed, an unknown call or kind, a sid that is not Twilio's, already stored)."""
    if (
        status != "completed"
        or kind not in RecordingKind.__members__.values()
        or not recording_sid_valid(recording_sid)
    ):
        return None
    call = (
        PhoneCall.objects.select_for_update(of=("self",))
        .select_related("customer", "callback_task__assignee")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        log.warning("A recording for call %s, which the desk does not know", call_id)
        return None
    sid_field, duration_field = (
        ("voicemail_sid", "voicemail_duration")
        if kind == RecordingKind.VOICEMAIL
        else ("recording_sid", "recording_duration")
    )
    if getattr(call, sid_field):  # reported before (a retry); a second recording of one call is not expected
        return None
    setattr(call, sid_field, recording_sid)
    setattr(call, duration_field, duration)
    call.save(update_fields=[sid_field, duration_field])
    task = call.callback_task
    if kind == RecordingKind.VOICEMAIL and task is not None and task.done_at is None:
        notification_create(
            recipient=task.assignee,
            kind=Notification.Kind.REPLY,
            text=phrase(
                gettext_noop("Voicemail from %(customer)s (%(seconds)s s): listen and call back."),
                customer=call.customer.name or call.customer.phone,
                seconds=duration or 0,
            ),
            link=call_page_link(call),
        )
    return call
