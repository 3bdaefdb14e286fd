"""The demo's customer messaging: seed 004's pick-up point reminders, seed 001's failed-payment message, "your
order is confirmed / on its way", and the garden shop's off-hours reply (idempotent)."""

from datetime import timedelta
from typing import Any

from notifications.models import MessageTemplate, OffHoursReply, Trigger
from notifications.services import trigger_plan_current
from orders.models import Order, Shop, Status

# The demo's WhatsApp template; with a real Twilio account, put your approved template's Content SID here.
DEMO_CONTENT_SID = "HX" + "de70" * 8

TEMPLATES: list[dict[str, Any]] = [
    dict(
        name="Order confirmed",
        channel="sms",
        body="Hello {{ customer.name }}! {{ shop.name }} has confirmed your order {{ order.number }}. "
        "{{ manager.first_name }} will keep you posted.",
    ),
    dict(
        name="Order on its way",
        channel="sms",
        body="Your order {{ order.number }} is on its way"
        "{% if order.tracking_code %}: tracking number {{ order.tracking_code }}{% endif %}.",
    ),
    dict(
        name="Parcel at the pick-up point",
        channel="whatsapp",
        body="Your order {{ order.number }} is waiting for you at the pick-up point.",
        content_sid=DEMO_CONTENT_SID,
        content_variables={"1": "{{ customer.name }}", "2": "{{ order.number }}"},
    ),
    dict(
        name="Parcel still waiting",
        channel="sms",
        body="{{ customer.name }}, your order {{ order.number }} is still at the pick-up point. "
        "It is kept a few more days; reply if you need more time.",
    ),
    dict(
        name="Payment did not go through",
        channel="sms",
        body="{{ customer.name }}, the payment for order {{ order.number }} did not go through. "
        "Reply to this message or wait for our call: we will help you pay another way.",
    ),
    dict(
        name="We are closed now",
        channel="sms",
        body="Thank you for your order {{ order.number }}! {{ shop.name }} is closed now; "
        "we open at {{ opens_at }} and will call you then.",
    ),
    dict(
        name="Order details (email)",
        channel="email",
        subject="Your order {{ order.number }} at {{ shop.name }}",
        body="Hello {{ customer.name }},\n\nhere are the details of your order {{ order.number }}: "
        "{{ total }}.\n\n{{ manager.name }}, {{ shop.name }}",
    ),
]

# name, status, when, template, extra fields
TRIGGERS: list[tuple[str, str, str, str | None, dict[str, Any]]] = [
    ("Confirmed: tell the customer", "approval", "enters", "Order confirmed", {}),
    ("Shipped: tell the customer", "delivery", "enters", "Order on its way", {}),
    ("At the pick-up point", "pickup", "enters", "Parcel at the pick-up point", {}),
    (
        "Pick-up point: reminders after 2 days and a day later",
        "pickup",
        "stays",
        "Parcel still waiting",
        {"after": timedelta(days=2), "repeat_every": timedelta(days=1), "times": 2},
    ),
    (
        "Pick-up point: call before it goes back",
        "pickup",
        "stays",
        None,
        {"after": timedelta(days=3), "task_text": "Call: the parcel goes back soon", "notify": "manager"},
    ),
    (
        "Failed payment: offer help",
        "approval",
        "stays",
        "Payment did not go through",
        {"after": timedelta(minutes=15), "payment_state": Order.PaymentState.FAILED},
    ),
]


def demo_messaging_load(*, night_shop: Shop) -> None:
    templates = {}
    for spec in TEMPLATES:
        template, _ = MessageTemplate.objects.get_or_create(name=spec["name"], defaults=spec)
        templates[template.name] = template
    for name, code, when, template_name, extra in TRIGGERS:
        trigger, created = Trigger.objects.get_or_create(
            name=name,
            defaults={
                "status": Status.objects.get(code=code),
                "when": when,
                "template": templates.get(template_name) if template_name else None,
                **extra,
            },
        )
        if created:
            trigger.full_clean()
            trigger_plan_current(trigger=trigger)
    OffHoursReply.objects.get_or_create(shop=night_shop, defaults={"template": templates["We are closed now"]})
