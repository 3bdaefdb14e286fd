"""The demo's customer messaging: seed 004's pick-up point reminders, seed 001's failed-payment message and call,
and its "the payment went through", "your order is confirmed / on its way", and the garden shop's off-hours reply
(idempotent). In Russian: the demo shops'
customers read Russian (`Shop.customer_language`)."""

from datetime import timedelta
from typing import Any

from notifications.models import MessageTemplate, OffHoursReply, Trigger
from notifications.services import trigger_plan_current
from orders.models import Order, Shop, Status

# The demo's WhatsApp template; with a real Twilio account, put your approved template's Content SID here.
DEMO_CONTENT_SID = "HX" + "de70" * 8

TEMPLATES: list[dict[str, Any]] = [
    dict(
        name="Заказ подтверждён",
        channel="sms",
        body="Здравствуйте, {{ customer.name }}! Ваш заказ № {{ order.number }} в магазине «{{ shop.name }}» "
        "подтверждён. {{ manager.first_name }} будет держать вас в курсе.",
    ),
    dict(
        name="Заказ в пути",
        channel="sms",
        body="Ваш заказ № {{ order.number }} передан в доставку"
        "{% if order.tracking_code %}, трек-номер {{ order.tracking_code }}{% endif %}.",
    ),
    dict(
        name="Заказ в пункте выдачи",
        channel="whatsapp",
        body="Ваш заказ № {{ order.number }} ждёт вас в пункте выдачи.",
        content_sid=DEMO_CONTENT_SID,
        content_variables={"1": "{{ customer.name }}", "2": "{{ order.number }}"},
    ),
    dict(
        name="Заказ всё ещё ждёт",
        channel="sms",
        body="{{ customer.name }}, ваш заказ № {{ order.number }} всё ещё ждёт вас в пункте выдачи. "
        "Он хранится ещё несколько дней; если нужно больше времени, ответьте на это сообщение.",
    ),
    dict(
        name="Оплата не прошла",
        channel="sms",
        body="{{ customer.name }}, оплата заказа № {{ order.number }} не прошла. Ответьте на это сообщение "
        "или дождитесь нашего звонка: поможем оплатить другим способом.",
    ),
    dict(
        name="Оплата получена",
        channel="sms",
        body="{{ customer.name }}, оплата заказа № {{ order.number }} прошла, спасибо! "
        "Сообщим, когда заказ будет в пути.",
    ),
    dict(
        name="Мы сейчас закрыты",
        channel="sms",
        # Said to a new order and to a new conversation alike: no order number (a conversation has none).
        body="Спасибо, что написали в магазин «{{ shop.name }}»! Сейчас мы закрыты; "
        "откроемся {{ opens_at }} и сразу с вами свяжемся.",
    ),
    dict(
        name="Детали заказа (email)",
        channel="email",
        subject="Ваш заказ № {{ order.number }} в магазине «{{ shop.name }}»",
        body="Здравствуйте, {{ customer.name }}!\n\nВаш заказ № {{ order.number }} на сумму "
        "{{ total }} принят.\n\n{{ manager.name }}, «{{ shop.name }}»",
    ),
]

# name, status (None: any, for a payment trigger), when, template, extra fields
TRIGGERS: list[tuple[str, str | None, str, str | None, dict[str, Any]]] = [
    ("Подтверждён: сообщить клиенту", "approval", "enters", "Заказ подтверждён", {}),
    ("Отгружен: сообщить клиенту", "delivery", "enters", "Заказ в пути", {}),
    ("В пункте выдачи", "pickup", "enters", "Заказ в пункте выдачи", {}),
    (
        "Пункт выдачи: напомнить через 2 дня и ещё через день",
        "pickup",
        "stays",
        "Заказ всё ещё ждёт",
        {"after": timedelta(days=2), "repeat_every": timedelta(days=1), "times": 2},
    ),
    (
        "Пункт выдачи: позвонить, пока заказ не вернулся",
        "pickup",
        "stays",
        None,
        {
            "after": timedelta(days=3),
            "task_text": "Позвонить: заказ скоро вернётся отправителю",
            "notify": "manager",
        },
    ),
    (
        "Оплата не прошла: предложить помощь",
        "approval",
        "stays",
        "Оплата не прошла",
        {"after": timedelta(minutes=15), "payment_state": Order.PaymentState.FAILED},
    ),
    ("Оплата прошла: сообщить клиенту", None, "payment", "Оплата получена", {"payment_state": "paid"}),
    (
        "Оплата не прошла: позвонить клиенту",
        None,
        "payment",
        None,
        {
            "payment_state": Order.PaymentState.FAILED,
            "task_text": "Позвонить: оплата не прошла, помочь оплатить другим способом",
            "task_due_in": timedelta(minutes=15),
        },
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
                "status": Status.objects.get(code=code) if code else None,
                "when": when,
                "template": templates.get(template_name) if template_name else None,
                **extra,
            },
        )
        if created:
            trigger.full_clean()
            trigger_plan_current(trigger=trigger)
    OffHoursReply.objects.get_or_create(shop=night_shop, defaults={"template": templates["Мы сейчас закрыты"]})
