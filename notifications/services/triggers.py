"""Triggers: what the desk does when an order enters a status or stays in it too long, and the off-hours reply.
A firing row per trigger, order, entry and round (unique) proves each fires once; "has stayed" firings are
planned when the order enters the status and read back by the every-minute check only when due. What a trigger
does to the order itself (a task, a hand-over, back to routing) is the desk's pipeline's part (`order_steps`,
desk.flows.trigger_order_steps): notifications writes the message, the bell and the history line."""

import time
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.phrases import Phrase, Value, joined, label, phrase
from notifications.models import (
    MessagingSettings,
    Notification,
    OffHoursReply,
    OutboundMessage,
    Trigger,
    TriggerFiring,
)
from notifications.services.bell import notifications_about_orders
from notifications.services.outbox import message_queue
from orders import history
from orders.clock import is_working_time, working_deadline
from orders.models import Conversation, Customer, Order, OrderEvent, Shop
from orders.services import order_event_add

Outcome = TriggerFiring.Outcome
# Carries out a firing trigger's steps on the order itself (task, hand-over, back to routing) and says what was
# done, in the words of the history line ("task planned", "not handed over: …").
OrderSteps = Callable[[Trigger, Order, datetime], list[Phrase]]


def firing_due_at(trigger: Trigger, order: Order, *, entered_at: datetime, round: int) -> datetime:
    assert trigger.after is not None  # a "has stayed" trigger says how long (Trigger.clean)
    wait = trigger.after + (round - 1) * (trigger.repeat_every or trigger.after)
    if trigger.working_time:
        return working_deadline(order.shop, entered_at, wait)
    return entered_at + wait


def _act(
    trigger: Trigger, firing: TriggerFiring, order: Order, now: datetime, order_steps: OrderSteps
) -> list[Phrase]:
    """Carry out the trigger's actions on the order; what was done, for the order's history (message, the order's
    own steps, bell: in that order), each part without a full stop."""
    done = []
    if trigger.template is not None:  # no query: read with the trigger
        template = trigger.template
        message = message_queue(
            customer=order.customer,
            order=order,
            channel=template.channel,
            purpose=OutboundMessage.Purpose.TRIGGER,
            template=template,
            firing=firing,
            now=now,
        )
        sent: dict[str, Value] = {"channel": label(template.get_channel_display()), "name": template.name}
        if message.state == OutboundMessage.State.SKIPPED:
            error = message.last_error.rstrip(".")
            done.append(phrase(gettext_noop("%(channel)s “%(name)s” not sent: %(error)s"), error=error, **sent))
        else:
            done.append(phrase(gettext_noop("%(channel)s “%(name)s” queued"), **sent))
    done += order_steps(trigger, order, now)
    if trigger.notify:
        text = trigger.notify_text or trigger.name
        notifications_about_orders(
            [order],
            kind=Notification.Kind.INFO,
            text_for=lambda order: phrase(
                gettext_noop("Order %(number)s: %(text)s"), number=order.number, text=text
            ),
            to_manager=trigger.notify == Trigger.Notify.MANAGER,
        )
        done.append(phrase(gettext_noop("notified")))
    return done


def _fire(firing: TriggerFiring, order: Order, now: datetime, order_steps: OrderSteps) -> None:
    trigger = firing.trigger
    done = _act(trigger, firing, order, now, order_steps)
    # Each part ends without a full stop: the history line adds the one stop.
    parts = joined(done, "; ") if done else phrase(gettext_noop("done"))
    firing.done_at, firing.outcome = now, Outcome.FIRED
    firing.note = "; ".join(part.english() for part in done)[:300]  # admin's record of the firing, in English
    firing.save(update_fields=["done_at", "outcome", "note"])
    if trigger.times > 1:
        text = phrase(
            gettext_noop("Trigger “%(name)s” (reminder %(round)s of %(times)s): %(done)s."),
            name=trigger.name,
            round=firing.round,
            times=trigger.times,
            done=parts,
        )
    else:
        text = phrase(gettext_noop("Trigger “%(name)s”: %(done)s."), name=trigger.name, done=parts)
    order_event_add(
        order=order,
        kind=OrderEvent.Kind.TRIGGER,
        text=text,
        details=history.TriggerFired(trigger_id=trigger.pk, firing_id=firing.pk),
    )


def triggers_on_status_entered(*, order: Order, order_steps: OrderSteps, now: datetime | None = None) -> int:
    """Runs in the transaction of the status change (or the intake), which it is part of: fire the "enters"
    triggers that match, plan the "has stayed" ones. Returns how many fired now."""
    now = now or timezone.now()
    fired = 0
    triggers = Trigger.objects.filter(is_active=True, status__code=order.status).select_related("template")
    for trigger in triggers:
        if trigger.when == Trigger.When.STAYS:
            if trigger.shop_id in (None, order.shop_id):
                _plan(trigger, order, entered_at=order.status_entered_at, round=1)
            continue
        if not trigger.matches(order):
            continue
        try:
            with transaction.atomic():
                firing = TriggerFiring.objects.create(
                    trigger=trigger, order=order, entered_at=order.status_entered_at, round=1, due_at=now
                )
        except IntegrityError:
            continue  # already fired for this entry
        _fire(firing, order, now, order_steps)
        fired += 1
    return fired


def _plan(
    trigger: Trigger, order: Order, *, entered_at: datetime, round: int, not_before: datetime | None = None
) -> None:
    due_at = firing_due_at(trigger, order, entered_at=entered_at, round=round)
    if not_before is not None and due_at <= not_before:
        assert trigger.repeat_every is not None  # a repeated trigger says how often (Trigger.clean)
        due_at = not_before + trigger.repeat_every
    # One statement: a firing already planned for this entry and round (the unique constraint) stays as it is.
    TriggerFiring.objects.bulk_create(
        [TriggerFiring(trigger=trigger, order=order, entered_at=entered_at, round=round, due_at=due_at)],
        ignore_conflicts=True,
    )


def triggers_fire_due(
    *, order_steps: OrderSteps, now: datetime | None = None, batch: int = 200, budget: float = 40.0
) -> int:
    """The every-minute check of "has stayed" triggers: reads only firings that are due (partial index), batch
    by batch within a time budget, skipping rows another worker holds."""
    now = now or timezone.now()
    started, fired = time.monotonic(), 0
    while time.monotonic() - started < budget:
        done, fired_now = _fire_batch(now, batch, order_steps)
        fired += fired_now
        if done < batch:
            break
    return fired


@transaction.atomic
def _fire_batch(now: datetime, batch: int, order_steps: OrderSteps) -> tuple[int, int]:
    """One batch in one transaction: fire the firings whose order is still in the same entry of the status."""
    firings = list(
        TriggerFiring.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(done_at__isnull=True, due_at__lte=now)
        .select_related("trigger__status", "trigger__template", "order__customer__shop", "order__manager")
        .order_by("due_at")[:batch]
    )
    fired = 0
    for firing in firings:
        trigger, order = firing.trigger, firing.order
        still_there = order.status == trigger.status.code and order.status_entered_at == firing.entered_at
        if not still_there or not trigger.is_active:
            firing.done_at, firing.outcome = now, Outcome.LEFT
            firing.note = "the trigger is switched off" if still_there else "the order left the status"
            firing.save(update_fields=["done_at", "outcome", "note"])
            continue
        if trigger.matches(order):
            _fire(firing, order, now, order_steps)
            fired += 1
        else:
            firing.done_at, firing.outcome = now, Outcome.NOT_MATCHING
            firing.save(update_fields=["done_at", "outcome"])
        if firing.round < trigger.times:
            # After the desk was down, the next reminder still waits its interval: never two at once.
            _plan(trigger, order, entered_at=firing.entered_at, round=firing.round + 1, not_before=now)
    return len(firings), fired


@transaction.atomic
def trigger_plan_current(*, trigger: Trigger) -> int:
    """A "has stayed" trigger saved in admin also watches the orders already in its status."""
    if not trigger.is_active or trigger.when != Trigger.When.STAYS:
        return 0
    orders = Order.objects.filter(status=trigger.status.code, is_final=False).select_related("shop")
    if trigger.shop_id:
        orders = orders.filter(shop_id=trigger.shop_id)
    planned = 0
    for order in orders.iterator(chunk_size=500):
        _plan(trigger, order, entered_at=order.status_entered_at, round=1)
        planned += 1
    return planned


def off_hours_reply(
    *,
    customer: Customer,
    shop: Shop,
    order: Order | None = None,
    conversation: Conversation | None = None,
    now: datetime | None = None,
) -> OutboundMessage | None:
    """A customer who reaches the shop (a new order, a message) while its desk is closed gets the shop's reply
    saying when it opens: at most once in `MessagingSettings.auto_reply_gap`, whatever they wrote about."""
    now = now or timezone.now()
    if is_working_time(shop, now):
        return None
    reply = OffHoursReply.objects.filter(shop=shop, is_active=True).select_related("template").first()
    if reply is None or not reply.template.is_active:
        return None
    gap = MessagingSettings.load().auto_reply_gap
    with transaction.atomic():
        # Under the customer's row lock: two messages at once get one reply.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        replied = OutboundMessage.objects.filter(
            customer=customer,
            purpose=OutboundMessage.Purpose.OFF_HOURS,
            created_at__gt=now - gap,
            state__in=OutboundMessage.COUNTED_STATES,
        )
        if replied.exists():
            return None
        return message_queue(
            customer=customer,
            order=order,
            conversation=conversation,
            channel=reply.template.channel,
            purpose=OutboundMessage.Purpose.OFF_HOURS,
            template=reply.template,
            now=now,
        )
