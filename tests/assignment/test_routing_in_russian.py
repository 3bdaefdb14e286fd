"""Routing's words in the reader's language: the presence switch and what it answers, "Take it" and its refusal,
and "why assigned", whose passed-over reasons a decision stores in English (routing may run in a queue worker)
and the page reads in the reader's language. The history line itself is stored as written (the issue's phrases)."""

import re

import pytest
from django.urls import reverse

from assignment.models import AssignmentDecision, Presence
from assignment.services import presence_set
from tests.factories import ShopFactory, free_manager, make_order, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def russian(settings):
    settings.LANGUAGE_CODE = "ru"


@pytest.fixture
def shop():
    return ShopFactory(always_open=True)


def test_the_presence_switch_and_its_answer_are_in_russian(client, shop):
    anna = free_manager(username="anna", first_name="Анна", last_name="Смирнова", shops=[shop])
    client.force_login(anna)
    html = client.get(reverse("orders:list")).content.decode()
    switch = html.split('data-testid="presence"')[1].split("</ul>")[0]
    assert 'data-testid="presence-current">Свободен<' in switch
    assert all(label in switch for label in ("Занят", "На обеде", "Перерыв", "Не в сети"))
    assert "Ваш статус: новые заказы получают только свободные менеджеры" in switch
    answer = client.post(reverse("assignment:presence"), {"presence": "lunch"}, follow=True).content.decode()
    assert "Вы на обеде." in answer and 'data-testid="presence-current">На обеде<' in answer


def test_the_queue_take_it_and_its_refusal_at_quota_are_in_russian(client, shop):
    anna = free_manager(username="anna", first_name="Анна", last_name="Смирнова", quota=1, shops=[shop])
    make_order(shop)  # Anna's: she is at her quota of one
    presence_set(user=anna, presence=Presence.LUNCH)
    waiting = make_order(shop)
    client.force_login(anna)
    html = client.get(reverse("orders:list")).content.decode()
    queue = html.split('data-testid="waiting-queue"')[1].split("</ul>")[0]
    assert "Ждут менеджера" in queue and "Взять" in queue and "поступил" in queue
    answer = client.post(reverse("assignment:take", args=[waiting.pk]), follow=True).content.decode()
    assert "Взять заказ нельзя — лимит заказов исчерпан (1/1): сначала закройте" in answer


def test_why_assigned_reads_the_decisions_stored_reasons_in_russian(client, shop):
    free_manager(username="manager1", first_name="Анна", last_name="Смирнова")
    presence_set(user=free_manager(username="manager2", first_name="Борис", last_name="Иванов"), presence="lunch")
    free_manager(username="manager3", first_name="Вера", last_name="Кузнецова", quota=0)
    order = make_order(shop)
    decision = AssignmentDecision.objects.get(order=order)
    # Stored in English, whatever the language routing ran in.
    assert decision.excluded == {"Борис Иванов": "on lunch", "Вера Кузнецова": "at quota (0/0)"}
    client.force_login(supervisor())
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    panel = re.sub(r"\s+", " ", html.split('data-testid="why-assigned"')[1].split("</ul>\n</div>")[0])
    assert "Почему назначен" in panel and "Рассматривались" in panel and "Пропущены" in panel
    assert "Анна Смирнова: открыто 0 из 10" in panel
    assert "Борис Иванов: на обеде" in panel and "Вера Кузнецова: лимит заказов исчерпан (0/0)" in panel
    # PostgreSQL's JSON keeps the counts in its own key order: each is checked, not their order.
    counts = panel.split("Всего: ")[1]
    assert "на обеде: 1" in counts and "лимит заказов исчерпан: 1" in counts
    assert not re.search(r"\b(Considered|Passed over|on lunch|at quota|open)\b", panel)


def test_a_grants_refusal_is_stored_in_english_and_read_in_each_readers_language(client, shop, speaking):
    """Routing run in a Russian manager's request stores "not granted shop …" in English, as every reason; an
    English reader reads it in English and a Russian one in Russian."""
    elsewhere = ShopFactory(name="Гаджет Поинт")
    free_manager(username="manager1", first_name="Анна", last_name="Смирнова")
    free_manager(username="manager2", first_name="Дмитрий", last_name="Соколов", shops=[elsewhere])
    with speaking("ru"):
        order = make_order(shop)
    decision = AssignmentDecision.objects.get(order=order)
    assert decision.excluded == {"Дмитрий Соколов": f"not granted shop {shop.name}"}
    client.force_login(supervisor())
    url = reverse("orders:detail", args=[order.pk])
    with speaking("en"):
        assert f"Дмитрий Соколов: not granted shop {shop.name}" in client.get(url).content.decode()
    russian = client.get(url).content.decode()
    assert f"Дмитрий Соколов: нет доступа к магазину {shop.name}" in russian and "not granted" not in russian
