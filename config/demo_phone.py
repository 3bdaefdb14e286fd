"""The demo's phone: each demo shop's Twilio voice number and how it answers (a greeting in Russian, its hours,
voicemail; the gadgets shop records its calls, with the notice), and where calls ring each demo manager (a SIP
softphone or a mobile). The fake Twilio's autopilot (config.fake_twilio_autopilot) rings these numbers.
Idempotent: what an admin changed since stays."""

from datetime import timedelta

from django.contrib.auth.models import User

from assignment.models import ManagerProfile
from config.fake_twilio_autopilot import DEMO_VOICE_NUMBERS
from orders.models import Shop, ShopAddress, ShopVoice

VOICE = {
    "garden": dict(
        ring_seconds=15,
        greeting="Здравствуйте! Вы позвонили в магазин «{{ shop.name }}». Соединяем с менеджером.",
        hours_text="Мы работаем с 9 до 21 по московскому времени. Оставьте сообщение после сигнала — "
        "мы перезвоним, как только откроемся.",
    ),
    "gadgets": dict(
        ring_seconds=15,
        greeting="«{{ shop.name }}», здравствуйте! Сейчас соединим вас с менеджером.",
        record_calls=True,
        legal_notice="Разговор записывается для контроля качества обслуживания.",
    ),
}

# Where calls ring the demo managers: most sit on the shop's softphone, two answer on their mobiles.
RINGS = {
    "manager1": dict(sip="sip:anna@orderdesk-demo.sip.twilio.com"),
    "manager2": dict(phone="+79160000002"),
    "manager3": dict(sip="sip:vera@orderdesk-demo.sip.twilio.com"),
    "manager4": dict(sip="sip:dmitry@orderdesk-demo.sip.twilio.com"),
    "manager5": dict(phone="+79160000005"),
}


def demo_phone_load(*, shops: dict[str, Shop], staff: dict[str, User]) -> None:
    for code, shop in shops.items():
        ShopAddress.objects.get_or_create(
            channel=ShopAddress.Channel.VOICE, address=DEMO_VOICE_NUMBERS[code], defaults={"shop": shop}
        )
        ShopVoice.objects.get_or_create(
            shop=shop, defaults=VOICE[code] | {"callback_within": timedelta(minutes=15)}
        )
    for username, rings in RINGS.items():
        # Only a profile with nowhere to ring yet: an admin's own setting stays.
        ManagerProfile.objects.filter(user=staff[username], phone="", sip="").update(**rings)
