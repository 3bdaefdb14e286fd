"""The demo's feedback loop: both shops ask for feedback (the garden shop at once, so it shows in a demo), and a
few delivered orders already have their answers: a 5, a 2 that opened a claim, and a reply for an inspector. The
texts the shops send are the desk's own, in their customers' language (Russian)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from config.demo_messaging import DEMO_CONTENT_SID
from feedback.models import FeedbackRequest, ShopFeedback
from feedback.services import rating_receive, reply_receive
from notifications.models import Channel, InboundMessage
from orders.models import Shop
from orders.services import order_change_status, order_create

# customer, phone, what they answered
ANSWERS = [
    ("Ирина Орлова", "+79161234511", "5"),
    ("Николай Белов", "+79161234512", "2"),
    ("Ксения Зайцева", "+79161234513", "Шланг в порядке, но коробка пришла порванная и мокрая"),
]


def demo_feedback_load(*, shops: dict[str, Shop]) -> None:
    for code, delay in (("garden", timedelta(0)), ("gadgets", timedelta(days=3))):
        ShopFeedback.objects.get_or_create(
            shop=shops[code],
            defaults={
                "signer": f"Мария, {shops[code].name}",
                # As seed 003 asks: from the person's own address; answers by email go to the shop's inspectors.
                "signer_email": f"maria@{code}.example.com",
                "reply_to": f"quality@{code}.example.com",
                "delay": delay,
                "whatsapp_content_sid": DEMO_CONTENT_SID,
            },
        )
    shop = shops["garden"]
    for n, (name, phone, answer) in enumerate(ANSWERS):
        order, created = order_create(
            shop=shop,
            external_id=f"demo-feedback-{n + 1}",
            customer={"name": name, "phone": phone, "email": "", "legal_type": "person", "is_vip": False},
            items=[{"sku": "GR-101", "name": "Садовый шланг, 25 м", "qty": 1, "price": Decimal("1890")}],
            region="Москва",
            delivery_address=f"г. Москва, ул. Садовая-Кудринская, д. {n + 3}, кв. {n + 10}",
        )
        if not created:
            continue
        order.refresh_from_db()
        if order.manager is None:
            continue
        for target in ("approval", "assembly", "delivery", "complete"):
            order_change_status(order=order, target=target, by=order.manager)
        now = timezone.now()
        request = FeedbackRequest.objects.get(order=order)
        FeedbackRequest.objects.filter(pk=request.pk).update(
            state="sent", sent_at=now, valid_until=now + timedelta(days=14)
        )
        request.refresh_from_db()
        if answer.isdigit():
            rating_receive(request=request, rating=int(answer), source=Channel.WHATSAPP, text=answer)
        else:
            inbound = InboundMessage.objects.create(
                message_sid=f"SMdemo{n}", channel=Channel.WHATSAPP, from_address=f"whatsapp:{phone}", body=answer,
                customer=order.customer, order=order,
            )  # fmt: skip
            reply_receive(inbound=inbound)
