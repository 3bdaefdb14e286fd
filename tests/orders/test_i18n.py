"""The orders pages, forms and messages in Russian: a Russian-speaking person reads no English the orders app wrote
(the words below are its former English labels), counts take Russian plural forms, and errors come in Russian."""

import re
from html import unescape

import pytest
from django.urls import reverse

from orders.forms import NewOrderForm
from orders.models import Shop, Status
from orders.selectors import orders_total_title
from orders.services import order_change_status
from tests.factories import ShopFactory, free_manager, make_order, make_task, supervisor

pytestmark = pytest.mark.django_db

# English the orders pages used to show; none of it may be left on a Russian page (checked as whole words).
FORMER_ENGLISH = [
    "My orders",
    "All orders",
    "All I can see",
    "My tasks",
    "soonest first",
    "Overdue",
    "No next step",
    "Customer",
    "Status",
    "Method",
    "Manager",
    "Created",
    "Items",
    "Qty",
    "Price",
    "Total",
    "Payment",
    "Delivery",
    "Tracking",
    "Rating",
    "History",
    "Next step",
    "Plan it",
    "Add note",
    "Reassign",
    "Tomorrow",
    "Not paid",
    "Cart",
    "Phone",
    "Reached",
    "No answer",
    "Unreachable",
    "Create the order",
    "New order by phone",
    "Search",
    "Any status",
    "Any shop",
    "Most urgent first",
    "Filter",
    "Reset",
    "Reassign ticked orders to",
    "Save details",
    "Open tasks",
    "Latest calls",
    "Responsible manager",
    "Customer's time",
    "Shop's time",
    "Edit",
    "Done",
    "created",
    "due",
]


def orders_html(response) -> str:
    """The page without what the orders app does not write there: the navbar (the desk's frame), scripts and
    styles, and the order's history lines (stored sentences, rendered by the history's own code)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|template|nav)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r'<ul class="timeline" data-testid="history">.*?</ul>', " ", html, flags=re.S)


def without_status_names(text: str) -> str:
    """Status names are data the admin names (the seeded ones are English)."""
    for name in Status.objects.values_list("name", flat=True):
        text = text.replace(name, " ")
    return text


def visible_text(response) -> str:
    """The words a person reads: no tags or attribute values (those are `attribute_text`), entities decoded."""
    return without_status_names(unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", orders_html(response)))))


def attribute_text(response) -> str:
    """The words of titles, placeholders and labels read aloud."""
    attributes = re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', orders_html(response))
    return without_status_names(unescape(" ".join(attributes)))


def english_left(text: str) -> list[str]:
    return [word for word in FORMER_ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, name="Зелёный сад")


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Анна", last_name="С", shops=[shop])


@pytest.fixture
def russian(speaking):
    with speaking("ru"):
        yield


@pytest.fixture
def order(shop, anna):
    order = make_order(shop, manager=anna, customer_name="Мария Волкова")
    make_task(order, assignee=anna, text="Уточнить адрес")
    return order


def test_the_order_list_reads_in_russian(client, anna, order, russian):
    client.force_login(anna)
    response = client.get(reverse("orders:list"), {"scope": "mine"})
    text = visible_text(response)
    assert "Мои заказы" in text and "Мои задачи" in text and "Клиент" in text and "Сумма" in text
    assert "Сначала срочные" in text and "Любой статус" in text and "Корзина" in text
    assert 'title="1 заказ"' in response.content.decode()  # the count's badge, in words
    assert english_left(text) == [] and english_left(attribute_text(response)) == []


@pytest.mark.parametrize("state", ["open", "no next step", "closed"])
def test_the_order_page_reads_in_russian_in_each_state(client, anna, order, state, russian):
    if state == "no next step":
        order.tasks.all().delete()
    elif state == "closed":
        order_change_status(order=order, target=_cancel_code(), reason="Передумал")
    client.force_login(anna)
    response = client.get(reverse("orders:detail", args=[order.pk]))
    text = visible_text(response)
    assert f"Заказ {order.number}" in text and "Товары" in text and "История" in text and "Не оплачен" in text
    if state == "open":
        assert "Следующий шаг" in text and "Дозвонился" in text and "Завтра 10:00" in text
    elif state == "no next step":
        assert "У заказа нет следующего шага" in text
    else:
        assert "Заказ закрыт: Передумал." in text
    assert english_left(text) == [] and english_left(attribute_text(response)) == []


def _cancel_code() -> str:
    return Status.objects.filter(group=Status.Group.CANCEL).values_list("code", flat=True).first()


def test_the_new_order_form_reads_in_russian(client, anna, russian):
    client.force_login(anna)
    response = client.get(reverse("orders:new"))
    text = visible_text(response)
    assert "Новый заказ по телефону" in text and "Адрес доставки" in text and "Оформить заказ" in text
    assert "Артикул" in text and "Кол-во" in text
    assert english_left(text) == [] and english_left(attribute_text(response)) == []


def test_the_customer_page_reads_in_russian(client, shop, order, russian):
    boss = supervisor(username="boss")
    client.force_login(boss)
    response = client.get(reverse("orders:customer", args=[order.customer_id]))
    text = visible_text(response)
    assert "Открытые задачи" in text and "Последние звонки" in text and "Сохранить данные" in text
    assert english_left(text) == [] and english_left(attribute_text(response)) == []


def test_a_refused_new_order_says_why_in_russian(shop, anna, russian):
    form = NewOrderForm({"shop": shop.pk, "method": "phone"}, shops=Shop.objects.all(), user=anna)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Укажите телефон или эл. почту клиента: по ним клиент находится в базе."]


@pytest.mark.parametrize(
    ("count", "label"),
    [
        (1, "1 заказ"),
        (2, "2 заказа"),
        (5, "5 заказов"),
        (11, "11 заказов"),
        (21, "21 заказ"),
        (22, "22 заказа"),
        (25, "25 заказов"),
        (111, "111 заказов"),
    ],
)
def test_an_order_count_takes_the_russian_plural(count, label, russian):
    assert orders_total_title(count) == label
