"""Payments as trigger events: "a payment is recorded" triggers fire once per payment, through the same firing path
and steps as status triggers (message, task, notice), with the same conditions; a storefront's retry of a payment
already recorded fires nothing."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import OutboundMessage, Trigger, TriggerFiring
from orders.models import OrderEvent, Status, Task
from orders.services import order_change_status, shop_issue_api_key
from tests.factories import ShopFactory, UserFactory
from tests.notifications.conftest import sms_template

pytestmark = pytest.mark.django_db


def payment_trigger(**fields) -> Trigger:
    made = Trigger(name=fields.pop("name", "On payment"), when=Trigger.When.PAYMENT, **fields)
    made.full_clean()
    made.save()
    return made


def pay(client, order, state, amount, payment_id=""):
    return client.post(
        reverse("api_order_payment", args=[order.external_id]),
        json.dumps({"state": state, "amount": amount, "payment_id": payment_id}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {shop_issue_api_key(shop=order.shop)}"},
    )


def messages(order) -> list[str]:
    return list(OutboundMessage.objects.filter(order=order).order_by("pk").values_list("body", flat=True))


def test_payment_received_messages_the_customer_once_and_a_retry_fires_nothing(client, order):
    payment_trigger(payment_state="paid", template=sms_template(body="Payment for {{ order.number }} received."))
    assert pay(client, order, "paid", "900", payment_id="pay-1").status_code == 200
    assert pay(client, order, "paid", "900", payment_id="pay-1").status_code == 200  # the storefront retried
    assert messages(order) == [f"Payment for {order.number} received."]
    assert TriggerFiring.objects.filter(order=order, outcome="fired").count() == 1
    lines = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.TRIGGER).values_list("text", flat=True)
    assert list(lines) == ["Trigger “On payment”: SMS “Order confirmed” queued."]


def test_each_payment_is_its_own_event(client, order):
    payment_trigger(notify="manager", notify_text="Money in")  # any payment state
    pay(client, order, "partly_paid", "300", payment_id="pay-1")
    pay(client, order, "partly_paid", "300", payment_id="pay-2")  # the same amount again, but another payment
    assert TriggerFiring.objects.filter(order=order, outcome="fired").count() == 2


def test_payment_failed_plans_a_call_for_the_manager_and_messages_the_customer(client, order, anna):
    payment_trigger(
        payment_state="failed",
        template=sms_template(name="Failed", body="The payment for {{ order.number }} did not go through."),
        task_text="Call: help them pay another way",
        task_due_in=timedelta(minutes=15),
    )
    pay(client, order, "failed", "900", payment_id="try-1")
    task = Task.objects.get(order=order)
    assert (task.assignee, task.kind, task.text) == (anna, "call", "Call: help them pay another way")
    assert messages(order) == [f"The payment for {order.number} did not go through."]


def test_a_payment_that_left_another_state_does_not_fire(client, order):
    payment_trigger(payment_state="paid", notify="manager")
    pay(client, order, "paid", "100")  # 100 of 900 is partly paid, whatever the storefront called it
    assert not TriggerFiring.objects.exists()


def test_the_shop_method_and_status_conditions_hold_as_for_status_triggers(client, order):
    payment_trigger(name="Other shop", shop=ShopFactory(), notify="manager")
    payment_trigger(name="Phone orders", method="phone", notify="manager")
    payment_trigger(name="In approval", status=Status.objects.get(code="approval"), notify="manager")
    pay(client, order, "paid", "900")
    assert not TriggerFiring.objects.exists()
    order_change_status(order=order, target="approval")
    pay(client, order, "refunded", "900")
    assert list(TriggerFiring.objects.values_list("trigger__name", flat=True)) == ["In approval"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"when": "enters"},
            "Choose the status the trigger watches (only payment and before-slot triggers may leave it empty).",
        ),
        (
            {"when": "stays", "after": timedelta(days=1)},
            "Choose the status the trigger watches (only payment and before-slot triggers may leave it empty).",
        ),
        (
            {"when": "payment", "after": timedelta(hours=1)},
            "A payment trigger fires once per payment, as it is recorded: waits and repeats are for 'has stayed'.",
        ),
    ],
)
def test_a_status_trigger_needs_its_status_and_a_payment_trigger_no_wait(fields, error):
    made = Trigger(name="Broken", notify="manager", **fields)
    with pytest.raises(ValidationError) as refused:
        made.full_clean()
    assert error in str(refused.value)


def test_the_admin_form_says_which_field_to_fix(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    data = {"name": "No status", "is_active": "on", "status": "", "when": "enters", "times": "1"}
    data |= {"task_kind": "call", "task_due_in": "1h", "notify": "manager"}
    response = client.post(reverse("admin:notifications_trigger_add"), data)
    assert response.status_code == 200
    assert (
        "Choose the status the trigger watches (only payment and before-slot triggers may leave it empty)."
        in response.content.decode()
    )
    data["when"] = "payment"
    assert client.post(reverse("admin:notifications_trigger_add"), data).status_code == 302
    assert Trigger.objects.get().status is None
