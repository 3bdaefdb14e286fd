"""History lines, customer history, the bell and the tasks the desk plans are stored as phrases (core.phrases) and
shown in the reader's language; what a person typed, and rows written before phrases, show their text."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from feedback.services import claim_open
from notifications.models import Notification
from orders.models import CallOutcome, CustomerEvent, OrderEvent, Task
from orders.services import (
    customer_update,
    order_add_note,
    order_change_status,
    order_record_call,
    order_record_payment,
    task_complete,
)
from tests.factories import ShopFactory, free_manager, make_order, make_task
from tests.orders.test_history_data import _every_writer

pytestmark = pytest.mark.django_db


def test_every_writer_stores_a_phrase_on_each_line_bell_notice_and_desk_task_it_writes():
    order = _every_writer(ShopFactory(always_open=True))
    order_record_call(order=order, by=User.objects.get(username="anna"), outcome=CallOutcome.BUSY)
    customer_update(customer=order.customer, by=None, name="Ivan Petrovich", is_vip=True)
    claim_open(order=order, reason="Broken lid")
    lines = OrderEvent.objects.filter(order=order)
    assert [line.text for line in lines.exclude(kind=OrderEvent.Kind.NOTE) if line.phrase is None] == []
    assert lines.get(kind=OrderEvent.Kind.NOTE).phrase is None  # typed by a person: never translated
    assert [event.text for event in CustomerEvent.objects.all() if event.phrase is None] == []
    assert Notification.objects.exists()
    assert [n.text for n in Notification.objects.all() if n.phrase is None] == []
    desk_tasks = Task.objects.filter(created_by=None)
    assert desk_tasks.exists() and [t.text for t in desk_tasks if t.phrase is None] == []


def test_each_stored_phrase_says_in_english_what_the_rows_text_keeps():
    order = _every_writer(ShopFactory(always_open=True))
    rows = [*OrderEvent.objects.filter(order=order), *CustomerEvent.objects.all(), *Notification.objects.all()]
    with translation.override("en"):
        assert [(row.shown_text, row.text) for row in rows if row.shown_text != row.text] == []


@pytest.fixture
def worked_order():
    shop = ShopFactory(always_open=True)
    anna = free_manager(username="anna", first_name="Anna", last_name="S", shops=[shop])
    order = make_order(shop)
    assert order.manager == anna
    order_change_status(order=order, target="approval", by=anna)
    order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    order_record_payment(order=order, state="paid", amount=Decimal("1250.50"))
    order_add_note(order=order, by=anna, text="Call after six, please.")
    return order


def test_the_order_history_reads_in_russian_for_a_russian_reader_and_in_english_for_an_english_one(
    client, worked_order, speaking
):
    client.force_login(worked_order.manager)
    url = reverse("orders:detail", args=[worked_order.pk])
    english = client.get(url).content.decode()
    assert "Call: no answer (miss 1 of 5)" in english and "Paid: ₽1,250.50" in english
    with speaking("ru"):
        russian = client.get(url).content.decode()
    assert "Звонок: " in russian and " (пропуск 1 из 5)" in russian and ": 1\xa0250,50\xa0₽" in russian
    assert "(miss 1 of 5)" not in russian
    assert "Call after six, please." in russian  # the note as typed


def test_the_bell_reads_in_the_readers_language(client, worked_order, speaking):
    manager = worked_order.manager
    task = make_task(worked_order, assignee=manager)
    task_complete(task=task, by=manager, without_next_step=True)
    Notification.objects.create(recipient=manager, text="Written before phrases.")
    client.force_login(manager)
    with speaking("ru"):
        page = client.get(reverse("notifications:list")).content.decode()
    assert f"Заказ {worked_order.number} назначен вам" in page
    assert "Written before phrases." in page  # a legacy row: its text
    assert f"Order {worked_order.number} is yours" in client.get(reverse("notifications:list")).content.decode()


def test_a_legacy_line_shows_its_text_and_a_corrupt_one_falls_back_to_its_text(client, worked_order, speaking):
    OrderEvent.objects.create(order=worked_order, kind=OrderEvent.Kind.OVERDUE, text="An old English line.")
    OrderEvent.objects.create(
        order=worked_order, kind=OrderEvent.Kind.OVERDUE, text="A line whose phrase broke.", phrase={"bad": 1}
    )
    client.force_login(worked_order.manager)
    with speaking("ru"):
        page = client.get(reverse("orders:detail", args=[worked_order.pk])).content.decode()
    assert "An old English line." in page and "A line whose phrase broke." in page


def test_a_desk_planned_call_task_reads_in_the_readers_language(worked_order):
    task = Task.objects.get(order=worked_order, created_by=None)
    assert task.text == "Call again (no answer ×1)"
    with translation.override("ru"):
        assert task.shown_text.startswith("Перезвонить (") and task.shown_text.endswith(" ×1)")


def test_the_customer_history_reads_in_the_readers_language(client, worked_order, speaking):
    customer = worked_order.customer
    customer_update(customer=customer, by=worked_order.manager, name="Ivan Petrovich", is_vip=True)
    client.force_login(worked_order.manager)
    url = reverse("orders:customer", args=[customer.pk])
    with speaking("ru"):
        russian = client.get(url).content.decode()
    assert "Имя: " in russian and "VIP: нет → да" in russian
    english = client.get(url).content.decode()
    assert "Name: " in english and "VIP: no → yes" in english and "VIP: нет → да" not in english
