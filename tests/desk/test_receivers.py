"""Only the desk's pipeline connects receivers that change an order, a task, an assignment or an outbox row: every
other receiver of the domain signals is an optional side effect named here (the bell, a customer's data export
or anonymisation)."""

import importlib
import weakref
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.db.models import signals as model_signals
from django.dispatch import Signal
from django_fsm import signals as fsm_signals

from assignment.models import AssignmentDecision
from notifications.models import OutboundMessage
from orders import signals as orders_signals
from orders.models import Order, Task

# Side effects only: each tells people in the bell or on their open page (the caller's card), or exports or forgets
# the app's own data about a customer.
SIDE_EFFECTS = {
    "calls.receivers.leg_changed",
    "notifications.receivers.on_orders_overdue",
    "notifications.receivers.on_orders_escalated",
    "notifications.receivers.on_payment_failed",
    "notifications.receivers.on_order_manager_changed",
    "notifications.receivers.on_conversation_manager_changed",
    "notifications.receivers.on_tasks_due",
    "notifications.receivers.on_customer_unreachable",
    "notifications.receivers.on_delivery_step_refused",
    "notifications.receivers.on_customer_data_requested",
    "notifications.receivers.on_customer_anonymised",
    "feedback.receivers.on_customer_data_requested",
    "feedback.receivers.on_customer_anonymised",
}
# The rows the pipeline alone may change in reaction to a signal; their model signals are scanned too.
WATCHED_MODELS = [Order, Task, AssignmentDecision, OutboundMessage]
MODEL_SIGNALS = {
    "pre_save": model_signals.pre_save,
    "post_save": model_signals.post_save,
    "pre_delete": model_signals.pre_delete,
    "post_delete": model_signals.post_delete,
    "m2m_changed": model_signals.m2m_changed,
    "pre_transition": fsm_signals.pre_transition,
    "post_transition": fsm_signals.post_transition,
}


def project_apps() -> list[str]:
    """The desk's own apps (not Django's nor third parties')."""
    root = Path(settings.BASE_DIR)
    return [config.name for config in apps.get_app_configs() if Path(config.path).parent == root]


def domain_signals() -> list[tuple[str, Signal]]:
    """Every signal of the project's apps' `signals` modules (a new one is scanned without editing this test),
    and logging in and out."""
    found = []
    for app in project_apps():
        try:
            module = importlib.import_module(f"{app}.signals")
        except ModuleNotFoundError:
            continue
        found += [(f"{app}.signals.{name}", s) for name, s in vars(module).items() if isinstance(s, Signal)]
    logging = [("user_logged_in", auth_signals.user_logged_in), ("user_logged_out", auth_signals.user_logged_out)]
    return found + logging


def receivers(signal: Signal, senders=None) -> list:
    """The live receivers of a signal (for `senders` only, when given: None stands for "any sender")."""
    wanted = None if senders is None else {id(sender) for sender in senders} | {id(None)}
    live = []
    for key, receiver, *_ in signal.receivers:
        if wanted is not None and key[1] not in wanted:
            continue
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None:
            live.append(receiver)
    return live


def qualified_name(receiver) -> str:
    function = getattr(receiver, "__func__", receiver)
    return f"{function.__module__}.{function.__qualname__}"


def foreign_receivers() -> list[str]:
    """Receivers the project connects outside `desk` that are not a named side effect, with the signal they hear
    (Django's and third parties' own receivers, e.g. axes counting logins, know nothing of orders)."""
    ours = (*project_apps(), "tests")
    heard = [(name, r) for name, signal in domain_signals() for r in receivers(signal)]
    for name, signal in MODEL_SIGNALS.items():
        heard += [(f"{name} of a watched model", r) for r in receivers(signal, WATCHED_MODELS)]
    return sorted(
        f"{name}: {qualified_name(r)}"
        for name, r in heard
        if qualified_name(r).split(".")[0] in ours
        and not qualified_name(r).startswith("desk.")
        and qualified_name(r) not in SIDE_EFFECTS
    )


def test_only_the_desk_connects_receivers_that_change_orders_tasks_assignments_or_the_outbox():
    assert foreign_receivers() == []


def test_the_desk_hears_an_orders_arrival_and_its_moves():
    for signal, receiver in [
        (orders_signals.order_created, "desk.receivers.on_order_created"),
        (orders_signals.order_status_changed, "desk.receivers.on_order_status_changed"),
    ]:
        assert [qualified_name(r) for r in receivers(signal)] == [receiver]


def test_the_shops_webhooks_hear_an_orders_events_only_through_the_desk():
    """Webhooks are an optional side effect, but an outbox row written in the change's transaction: the desk
    records them (flows 1 and 2 for an arrival and a move, desk.receivers for the rest), and the webhooks app
    connects no receiver of its own."""
    from desk.receivers import ANNOUNCED

    for signal in ANNOUNCED:
        heard = {qualified_name(r) for r in receivers(signal)}
        # A payment also runs the payment triggers (flow 4): another desk receiver of the same signal.
        assert heard & {"desk.receivers.on_order_event", "desk.receivers.on_claim_event"}
    assert not [name for name in foreign_receivers() if name.split(": ")[1].startswith("webhooks.")]


def test_every_named_side_effect_is_still_connected():
    # A name left here after its receiver went would let a new receiver of the same name in unseen.
    connected = {qualified_name(r) for _, signal in domain_signals() for r in receivers(signal)}
    assert connected >= SIDE_EFFECTS


def route_it_again(sender, order, **kwargs):
    """What the scan is for: an app (here, a test) reacting to an order's arrival with a write of its own."""


def stamp_the_outbox(sender, instance, **kwargs):
    pass


@pytest.mark.parametrize(
    "signal, receiver, sender, heard_as",
    [
        (orders_signals.order_created, route_it_again, None, "orders.signals.order_created"),
        (model_signals.post_save, stamp_the_outbox, OutboundMessage, "post_save"),
        (model_signals.pre_save, stamp_the_outbox, None, "pre_save"),
    ],
)
def test_a_receiver_connected_outside_the_desk_is_caught(signal, receiver, sender, heard_as):
    signal.connect(receiver, sender=sender, dispatch_uid="test.forbidden")
    try:
        caught = foreign_receivers()
    finally:
        signal.disconnect(sender=sender, dispatch_uid="test.forbidden")
    assert len(caught) == 1
    assert heard_as in caught[0] and caught[0].endswith(f"tests.desk.test_receivers.{receiver.__name__}")
    assert foreign_receivers() == []
