"""Everything a customer reads is in their shop's customers' language (`Shop.customer_language`), whatever the
desk, its staff or the customer's browser speak: the rating page and its thank-you, the answers to a rating, the
feedback email, a customer message made from a template (its dates included). A shop's own text wins over the
shipped one; one too long for an SMS is refused with its length. (Russian needs the compiled catalogue: `make` or
scripts/messages.sh.)"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from feedback.models import FeedbackRequest, ShopFeedback
from feedback.services import feedback_send_due, rating_link
from notifications.models import MessageTemplate, OutboundMessage
from notifications.services import message_queue, outbox_send_due
from orders.models import Shop
from tests.factories import make_order
from tests.feedback.conftest import NOON, customer_writes

pytestmark = pytest.mark.django_db
ASK = NOON + timedelta(days=3)
LATER = ASK + timedelta(hours=1)


def speaking(shop, language: str) -> Shop:
    Shop.objects.filter(pk=shop.pk).update(customer_language=language)
    shop.refresh_from_db()
    return shop


@pytest.fixture
def emailed(delivered, shop):
    """Asked by email (no WhatsApp template): the request with its five links."""
    ShopFeedback.objects.filter(shop=shop).update(whatsapp_content_sid="")
    return lambda: _ask_by_email(delivered)


def _ask_by_email(order):
    with time_machine.travel(ASK, tick=False):
        feedback_send_due()
        outbox_send_due()
    return FeedbackRequest.objects.get(order=order)


def path_of(link: str) -> str:
    return link.removeprefix("https://desk.example.com").removeprefix("http://127.0.0.1:8000")


def page(browser: Client, method: str, path: str, data=None):
    with time_machine.travel(LATER, tick=False):
        response = getattr(browser, method)(path, data or {}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_russian_shops_rating_page_and_thanks_are_russian_while_the_desk_and_browser_read_english(
    shop, emailed, settings
):
    settings.LANGUAGE_CODE = "en"  # the desk (and so its staff) read English
    request = emailed_in(shop, "ru", emailed)
    browser = Client(headers={"accept-language": "en-GB,en;q=0.9"})
    link = path_of(rating_link(request, 3))
    opened = page(browser, "get", link)
    assert '<html lang="ru">' in opened and "Как вам покупка?" in opened and "Отправить оценку" in opened
    assert "Отлично" in opened and "How do you like" not in opened and "Send my rating" not in opened
    rated = page(browser, "post", link, {"rating": 3})
    assert "Спасибо за оценку!" in rated and "Хотите, чтобы мы с вами связались?" in rated
    thanks = page(browser, "post", link + "answer/", {"contact": "no"})
    assert '<html lang="ru">' in thanks and "Спасибо! Ваш ответ получен." in text_of(thanks)


def test_an_english_shops_rating_page_and_thanks_are_english_while_the_desk_and_browser_read_russian(
    shop, emailed, settings
):
    settings.LANGUAGE_CODE = "ru"  # the desk (and so its staff) read Russian
    request = emailed_in(shop, "en", emailed)
    browser = Client(headers={"accept-language": "ru-RU,ru;q=0.9"})
    link = path_of(rating_link(request, 5))
    opened = page(browser, "get", link)
    assert '<html lang="en">' in opened and "How do you like your purchase?" in opened
    assert not re.search("[а-яё]", text_of(opened), re.IGNORECASE)
    rated = page(browser, "post", link, {"rating": 5})
    assert "Thank you for your rating!" in rated
    thanks = page(browser, "post", link + "answer/", {"comment": "Всё отлично"})
    assert "Thank you! Your answer reached us." in thanks and '<html lang="en">' in thanks


def test_a_link_that_names_no_shop_reads_the_desks_language_not_the_browsers(client, settings):
    settings.LANGUAGE_CODE = "ru"
    response = client.get(reverse("feedback:rate", args=["nonsense"]), headers={"accept-language": "en"})
    assert response.status_code == 400
    assert "Эта ссылка недействительна" in response.content.decode()


def emailed_in(shop, language, emailed) -> FeedbackRequest:
    speaking(shop, language)
    return emailed()


def test_the_feedback_email_goes_in_the_shops_customers_language(shop, emailed):
    with translation.override("en"):  # whoever completed the order reads English
        emailed_in(shop, "ru", emailed)
    [email] = mail.outbox
    assert email.subject == "Как всё прошло?"
    assert email.body.startswith("Здравствуйте!\n\nКак вам покупка?") and email.body.endswith(
        "Maria, Green Garden"
    )
    kept = OutboundMessage.objects.get(channel="email").body
    assert kept.count("[ссылка для оценки: только в письме клиенту]") == 5  # masked in the same language


def answers() -> list[str]:
    return list(OutboundMessage.objects.filter(purpose="answer").order_by("pk").values_list("body", flat=True))


def rates(client, asked, body: str) -> None:
    with time_machine.travel(ASK + timedelta(days=1), tick=False), translation.override("en"):
        assert customer_writes(client, body).status_code == 200


def test_the_answer_to_a_rating_by_whatsapp_is_in_the_shops_language(client, shop, asked, twilio):
    speaking(shop, "ru")
    rates(client, asked, "5")
    assert answers() == ["Спасибо за оценку! Рады, что вам понравилось."]
    with time_machine.travel(ASK + timedelta(days=1), tick=False):
        outbox_send_due()
    assert twilio.taken[-1].form["Body"] == "Спасибо за оценку! Рады, что вам понравилось."


def test_a_shops_own_answer_wins_over_the_shipped_one(client, shop, asked, twilio):
    speaking(shop, "ru")
    ShopFeedback.objects.filter(shop=shop).update(sorry_text="Простите нас! Завтра позвоним. {{ signer }}")
    rates(client, asked, "1")
    assert answers() == ["Простите нас! Завтра позвоним. Maria, Green Garden"]


def test_a_shops_text_too_long_for_an_sms_is_refused_with_its_length(shop):
    config = ShopFeedback.objects.get(shop=shop)
    config.thanks_text, config.email_text = "Спасибо! " * 200, "Спасибо! " * 200 + "{{ links }}"
    with pytest.raises(ValidationError) as refused:
        config.full_clean()
    errors = refused.value.message_dict
    assert errors["thanks_text"] == [
        "An SMS or WhatsApp message is at most 1,600 characters (Twilio refuses longer); this one has 1,800."
    ]
    assert "email_text" not in errors  # an email has no such limit


def test_a_customer_message_from_a_template_and_its_dates_are_in_the_shops_language(shop, anna):
    template = MessageTemplate.objects.create(
        name="Confirmed", channel="email", subject="{{ shop.name }}", body="{{ order.created_at|date:'F' }}"
    )
    for language, staff, month in (("ru", "en", "Ноябрь"), ("en", "ru", "November")):
        with time_machine.travel(NOON, tick=False), translation.override(staff):  # staff read the other language
            order = make_order(speaking(shop, language), manager=anna)
            order.customer.email = f"{language}@example.com"
            order.customer.save()
            message = message_queue(
                customer=order.customer, order=order, channel="email", purpose="trigger", template=template
            )
            outbox_send_due()
        assert message.body == month
        assert f'<html lang="{language}">' in mail.outbox[-1].alternatives[0].content
