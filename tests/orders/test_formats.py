"""Money, moments, days, durations, relative times and shares are written as the reader's language writes them:
"4 770 ₽" and "7 дек., 13:04" in Russian, "₽4,770" and "7 Dec, 13:04" in English; the date boxes show and take
the same convention (Russian "07.12.2026 13:04", English "07 Dec 2026 13:04")."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.formats import day_label, money, percent_label, relative_label, weekday_label
from core.pagination import CheapPage
from notifications.rendering import message_context, render_message, sample_context
from orders.clock import desk_time
from orders.durations import duration_label, duration_parse
from orders.models import Task
from tests.factories import ShopFactory, free_manager, make_order, make_task, msk

NBSP = "\xa0"


@pytest.mark.pure
@pytest.mark.parametrize(
    ("amount", "russian", "english"),
    [
        (Decimal("4770"), "4 770 ₽", "₽4,770"),
        (Decimal("4770.50"), "4 770,50 ₽", "₽4,770.50"),  # kopecks only when there are some
        (Decimal("4770.05"), "4 770,05 ₽", "₽4,770.05"),
        (Decimal("1234567.89"), "1 234 567,89 ₽", "₽1,234,567.89"),
        (Decimal("0"), "0 ₽", "₽0"),
        (Decimal("-150"), "-150 ₽", "-₽150"),  # a refund
    ],
)
def test_money_is_written_as_each_language_writes_roubles(amount, russian, english):
    with translation.override("ru"):
        assert money(amount, "RUB") == russian.replace(" ", NBSP)
    with translation.override("en"):
        assert money(amount, "RUB") == english


@pytest.mark.pure
def test_money_in_another_currency_carries_its_own_sign():
    with translation.override("ru"):
        assert money(Decimal("99.90"), "USD") == f"99,90{NBSP}$"
        assert money(Decimal("2500"), "BYN") == f"2{NBSP}500{NBSP}Br"
    with translation.override("en"):
        assert money(Decimal("99.90"), "USD") == "$99.90"
        assert money(Decimal("2500"), "BYN") == f"Br{NBSP}2,500"  # a sign of letters stands apart
        assert money(Decimal("12000"), "KZT") == "₸12,000"


@pytest.mark.pure
def test_moments_and_days_are_written_in_the_readers_language():
    moment = msk(2026, 12, 7, 13, 4)
    with translation.override("ru"):
        assert desk_time(moment) == "7 дек., 13:04"
        assert desk_time(msk(2026, 5, 9, 8, 0)) == "9 мая, 08:00"  # May has no abbreviation in Russian
        assert day_label(moment) == "7 дек."
        assert weekday_label(moment.date()) == "Пн 7 дек."
    with translation.override("en"):
        assert desk_time(moment) == "7 Dec, 13:04"
        assert weekday_label(moment.date()) == "Mon 7 Dec"


@pytest.mark.pure
@pytest.mark.parametrize(
    ("days", "russian"),
    [
        (1, "1 день"),
        (2, "2 дня"),
        (5, "5 дней"),
        (21, "21 день"),
        (22, "22 дня"),
        (25, "25 дней"),
        (111, "111 дней"),
    ],
)
def test_durations_take_the_russian_plural_and_read_back(days, russian):
    value = timedelta(days=days, hours=2, minutes=15)
    with translation.override("ru"):
        assert duration_label(value) == f"{russian} 2 ч 15 мин"
        assert duration_parse(duration_label(value)) == value  # an admin form saved in Russian keeps its time
    with translation.override("en"):
        assert duration_label(value) == f"{days} day{'s' if days != 1 else ''} 2 h 15 min"


@pytest.mark.pure
@pytest.mark.parametrize(
    ("minutes", "russian"), [(1, "1 минуту"), (2, "2 минуты"), (5, "5 минут"), (21, "21 минуту")]
)
def test_relative_times_take_the_russian_plural(minutes, russian):
    with time_machine.travel(msk(2026, 12, 7, 13, 0), tick=False), translation.override("ru"):
        assert relative_label(msk(2026, 12, 7, 13, minutes)).replace(NBSP, " ") == f"через {russian}"
        assert relative_label(msk(2026, 12, 7, 12, 0)).replace(NBSP, " ") == "1 час назад"


@pytest.mark.pure
def test_shares_are_written_as_each_language_writes_percentages():
    with translation.override("ru"):
        assert percent_label(0.125) == f"12,5{NBSP}%"
        assert percent_label(0.5) == f"50{NBSP}%"
    with translation.override("en"):
        assert percent_label(0.125) == "12.5%"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_order_page_writes_money_and_dates_as_its_reader_does(client, settings, language):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    items = [{"sku": "T-1", "name": "Teapot", "qty": 2, "price": Decimal("2385.25")}]
    with time_machine.travel(msk(2026, 12, 7, 13, 4), tick=False):
        order = make_order(ShopFactory(always_open=True), manager=anna, items=items)
        task = make_task(order, assignee=anna, due_at=msk(2026, 12, 8, 10, 0))
        client.force_login(anna)
        settings.LANGUAGE_CODE = language
        with translation.override(language):
            page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
            total, due = money(order.total, "RUB"), desk_time(task.due_at)
    assert total in page and due in page
    if language == "ru":
        assert f"4{NBSP}770,50{NBSP}₽" in page and "8 дек., 10:00" in page and "7 дек., 13:04" in page
    else:
        assert "₽4,770.50" in page and "8 Dec, 10:00" in page and "7 Dec, 13:04" in page


@pytest.mark.django_db
def test_a_due_time_typed_in_russian_is_saved_and_shown_back_in_russian(client, settings):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(ShopFactory(always_open=True), manager=anna)
    client.force_login(anna)
    settings.LANGUAGE_CODE = "ru"
    url = reverse("orders:task_create", args=[order.pk])
    with time_machine.travel(msk(2026, 12, 7, 13, 4), tick=False), translation.override("ru"):
        form = {"kind": "call", "text": "Confirm the address", "due_at": "08.12.2026 10:30", "assignee": anna.pk}
        assert client.post(url, form).status_code == 302
        task = Task.objects.get(text="Confirm the address")
        assert task.due_at == msk(2026, 12, 8, 10, 30)
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
        refused = client.post(url, form | {"due_at": "31.02.2026 10:30"})
    assert "8 дек., 10:30" in page  # the task list, as the history writes it
    assert 'data-format="%d.%m.%Y %H:%M"' in page  # the boxes take what the page writes
    assert refused.status_code == 400 and 'value="31.02.2026 10:30"' in refused.content.decode()


@pytest.mark.django_db
def test_an_english_box_takes_a_month_name_and_still_takes_iso(client):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(ShopFactory(always_open=True), manager=anna)
    client.force_login(anna)
    url = reverse("orders:task_create", args=[order.pk])
    with time_machine.travel(msk(2026, 12, 7, 13, 4), tick=False):
        for typed in ("08 Dec 2026 10:30", "2026-12-08T11:30"):
            client.post(url, {"kind": "call", "text": typed, "due_at": typed, "assignee": anna.pk})
    assert sorted(Task.objects.values_list("due_at", flat=True)) == [
        msk(2026, 12, 8, 10, 30),
        msk(2026, 12, 8, 11, 30),
    ]


@pytest.mark.django_db
def test_a_customer_message_gets_the_total_in_the_shops_customer_language_and_currency():
    shop = ShopFactory(always_open=True, customer_language="ru", currency="KZT")
    order = make_order(shop, items=[{"sku": "K", "name": "Kettle", "qty": 1, "price": Decimal("12500")}])
    with translation.override("en"):  # the manager reads English; the customer reads Russian
        context = message_context(order=order, customer=order.customer, now=msk(2026, 12, 7, 13, 0))
        text = render_message(
            subject="", body="{{ total }} / {{ order.total }}", content_variables={}, context=context
        )
    assert text.body == f"12{NBSP}500{NBSP}₸ / 12500.00"  # the bare number stays what templates had


@pytest.mark.pure
def test_a_template_is_tried_on_a_sample_with_a_written_total():
    assert sample_context()["total"] == f"4{NBSP}990{NBSP}₽"  # the sample shop's customers read Russian


@pytest.mark.pure
def test_a_lists_count_groups_digits_as_the_reader_does():
    counted, capped = CheapPage(items=[], number=1, has_next=True, total=1234), CheapPage([], 1, True, total=None)
    with translation.override("ru"):
        assert counted.total_label == f"1{NBSP}234"
    with translation.override("en"):
        assert counted.total_label == "1,234" and capped.total_label == "more than 10,000"
