"""The demo's conversations: the numbers and addresses customers write to (ShopAddress), and customers who wrote
about no order, in every state a desk sees: strangers' first messages just routed, one by email, some answered,
one whose first reply is overdue, one closed as spam, and yesterday's answered ones for the KPI page. They come in
through the same services as real messages (`inbound_receive`, `email_receive`, then the desk's pipeline routes
them); only their times and what staff did with them are placed by hand. Idempotent: each message once."""

from datetime import timedelta
from email.message import EmailMessage

from django.contrib.auth.models import User
from django.utils import timezone

from notifications.models import InboundMessage
from notifications.services import email_receive, inbound_receive
from orders.models import Conversation, ConversationEvent, Shop, ShopAddress

# What customers write to: shop code → (SMS number, WhatsApp number, email address).
ADDRESSES = {
    "garden": ("+74951230101", "+74951230102", "hello@zeleny-sad.demo"),
    "gadgets": ("+73432220101", "+73432220102", "help@gadget-point.demo"),
}

# First messages of people the desk does not know yet (the live demo picks from them too).
FIRST_MESSAGES = [
    "Здравствуйте! Есть ли у вас секатор в наличии?",
    "Добрый день, сколько стоит доставка в Казань?",
    "Подскажите, можно забрать заказ самовывозом сегодня?",
    "Хочу купить наушники в подарок, какие посоветуете?",
    "Здравствуйте, а у вас есть рассрочка?",
    "Добрый вечер! Шланг на 25 м ещё продаётся?",
]

# (key, shop, channel, who writes, text, minutes ago, what became of it)
#   what became of it: "" new; "answered" first replied in 2 min, now waiting for the customer; "overdue" its
#   first reply is late; "spam" closed as spam; "yesterday" answered yesterday in 4 min and closed.
CONVERSATIONS = [
    ("c1", "garden", "sms", "+79990001101", FIRST_MESSAGES[0], 1, ""),
    ("c2", "gadgets", "whatsapp", "+79990001102", FIRST_MESSAGES[3], 3, ""),
    ("c3", "garden", "whatsapp", "+79990001103", FIRST_MESSAGES[1], 45, "answered"),
    ("c4", "gadgets", "sms", "+79990001104", FIRST_MESSAGES[4], 90, "answered"),
    ("c5", "garden", "sms", "+79990001105", FIRST_MESSAGES[2], 25, "overdue"),
    ("c6", "gadgets", "sms", "+79990001106", "Вы выиграли iPhone! Перейдите по ссылке", 50, "spam"),
    ("c7", "garden", "sms", "+79990001107", FIRST_MESSAGES[5], 60 * 26, "yesterday"),
    ("c8", "gadgets", "whatsapp", "+79990001108", "Спасибо, всё получил!", 60 * 27, "yesterday"),
    ("c9", "gadgets", "email", "ivan.petrov@example.ru", "Нужен счёт для юрлица на 10 наушников.", 4, ""),
]


def demo_addresses_load(*, shops: dict[str, Shop]) -> None:
    for code, (sms, whatsapp, email) in ADDRESSES.items():
        for channel, address in (("sms", sms), ("whatsapp", whatsapp), ("email", email)):
            ShopAddress.objects.get_or_create(channel=channel, address=address, defaults={"shop": shops[code]})


def demo_letter(*, sender: str, to: str, text: str, key: str) -> EmailMessage:
    """A customer's email as a mailbox or provider hands it over."""
    letter = EmailMessage()
    letter["From"], letter["To"], letter["Subject"] = sender, to, "Вопрос"
    letter["Message-ID"] = f"<{key}@demo.orderdesk>"
    letter.set_content(text)
    return letter


def demo_conversations_load(*, shops: dict[str, Shop], closer: User) -> None:
    """The demo's conversations (see CONVERSATIONS); `closer`: who closed the spam."""
    demo_addresses_load(shops=shops)
    now = timezone.now()
    for key, code, channel, sender, text, minutes_ago, became in CONVERSATIONS:
        sms, whatsapp, email = ADDRESSES[code]
        if channel == "email":
            inbound, new = email_receive(letter=demo_letter(sender=sender, to=email, text=text, key=f"demo-{key}"))
        else:
            prefix = "whatsapp:" if channel == "whatsapp" else ""
            to = whatsapp if channel == "whatsapp" else sms
            inbound, new = inbound_receive(
                message_sid=f"SMdemoconversation{key}",
                from_address=prefix + sender,
                to_address=prefix + to,
                body=text,
            )
        if new and inbound.conversation_id is not None:
            _place(inbound.conversation_id, now - timedelta(minutes=minutes_ago), became, closer)


def _place(pk: int, started, became: str, closer: User) -> None:
    """Put a conversation where the demo wants it: started `started`, and what staff did since."""
    conversation = Conversation.objects.get(pk=pk)
    clock = conversation.shop.first_reply_within
    fields: dict = {"created_at": started, "last_message_at": started, "first_reply_due_at": started + clock}
    if became in ("answered", "yesterday"):
        fields |= {"first_replied_at": started + timedelta(minutes=2 if became == "answered" else 4)}
        fields |= {"state": Conversation.State.WAITING, "unread": False}
        if conversation.manager is None:
            fields["manager"] = closer
    if became == "yesterday":
        fields |= {"state": Conversation.State.CLOSED, "close_reason": Conversation.CloseReason.ANSWERED}
        fields |= {"closed_at": started + timedelta(minutes=30), "closed_by": conversation.manager or closer}
    if became == "spam":
        fields |= {"state": Conversation.State.CLOSED, "close_reason": Conversation.CloseReason.SPAM}
        fields |= {"closed_at": started + timedelta(minutes=3), "closed_by": closer, "unread": False}
    Conversation.objects.filter(pk=pk).update(**fields)
    InboundMessage.objects.filter(conversation_id=pk).update(received_at=started)
    ConversationEvent.objects.filter(conversation_id=pk).update(created_at=started)
