"""Phone calls as the calls app leaves them, made as rows: a missed call with the legs that rang and its
call-back task (what ring's `call_miss` leaves), a call a manager answered or placed, with a recording."""

import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from orders.models import CallLeg, Order, PhoneCall, Task
from orders.services import task_create

SHOP_NUMBER = "+74950000001"
ORDER_MANAGER = object()


def recording_sid() -> str:
    return "RE" + secrets.token_hex(16)


def missed_call(
    order: Order, *, at: datetime | None = None, rang=(), assignee=ORDER_MANAGER, ring_seconds=20, **fields
):
    """A call in to the order's shop that rang these managers `ring_seconds` each and reached nobody at `at`, with
    its call-back task for `assignee` (the order's manager unless said; none when there is nobody)."""
    at = at or timezone.now()
    started = at - timedelta(seconds=ring_seconds * len(rang) + 5)
    call = PhoneCall.objects.create(
        direction=PhoneCall.Direction.INBOUND,
        shop=order.shop,
        customer=order.customer,
        order=order,
        call_sid="CA" + secrets.token_hex(16),
        state=PhoneCall.State.COMPLETED,
        from_number=order.customer.phone,
        to_number=SHOP_NUMBER,
        started_at=started,
        ended_at=at,
        missed=fields.pop("missed", PhoneCall.Missed.RANG_OUT),
        missed_at=at,
        **fields,
    )
    for n, manager in enumerate(rang):
        leg_start = started + timedelta(seconds=5 + n * ring_seconds)
        CallLeg.objects.create(
            call=call,
            manager=manager,
            rang=f"+7916555{n:04d}",
            started_at=leg_start,
            ended_at=leg_start + timedelta(seconds=ring_seconds),
        )
    assignee = order.manager if assignee is ORDER_MANAGER else assignee
    if assignee is not None:
        call.callback_task = task_create(
            customer=order.customer,
            order=order,
            assignee=assignee,
            by=None,
            kind=Task.Kind.CALL,
            text="Call back: missed call",
            due_at=at,
        )
        call.save(update_fields=["callback_task"])
    return call


def talked_call(order: Order, *, manager, direction=PhoneCall.Direction.OUTBOUND, seconds=125, at=None, **fields):
    """A call the manager placed (or answered) and talked `seconds` in, ending at `at`."""
    at = at or timezone.now()
    return PhoneCall.objects.create(
        direction=direction,
        shop=order.shop,
        customer=order.customer,
        order=order,
        call_sid="CA" + secrets.token_hex(16),
        state=PhoneCall.State.COMPLETED,
        from_number=SHOP_NUMBER,
        to_number=order.customer.phone,
        manager=manager,
        started_at=at - timedelta(seconds=seconds + 10),
        answered_at=at - timedelta(seconds=seconds),
        ended_at=at,
        duration=seconds,
        outcome="reached",
        **fields,
    )
