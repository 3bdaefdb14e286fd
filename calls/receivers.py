"""Optional side effects of the calls app's own signals (connected in CallsConfig.ready): a leg that starts
ringing or ends wakes the rung manager's open pages, which re-read their calls and show or update the card."""

from typing import Any

from calls.push import CALL_CHANGED, push_send
from calls.signals import call_leg_ended, call_ringing
from orders.models import CallLeg


def leg_changed(sender: Any, leg: CallLeg, **kwargs: Any) -> None:
    push_send(user_ids=[leg.manager_id], kind=CALL_CHANGED, payload={"leg": leg.pk})


def connect() -> None:
    call_ringing.connect(leg_changed, dispatch_uid="calls.push.ringing")
    call_leg_ended.connect(leg_changed, dispatch_uid="calls.push.leg_ended")
