"""The KPI page, the list behind a number and the CSV in the reader's language: a Russian reader sees Russian
headings and none of the English ones; the CSV's heading row is in the reader's language."""

import csv
import io
import re

import pytest
import time_machine
from django.urls import reverse

from tests.kpi.kpi_history import at

pytestmark = pytest.mark.django_db

# The page's own English words: none may be left for a Russian reader.
ENGLISH_ON_THE_PAGE = [
    "KPIs",
    "Taken",
    "Completed",
    "Cancelled",
    "First touch",
    "Tasks on time",
    "Avg rating",
    "Team average",
    "Orders and overdue share per day",
    "Average rating per week",
    "Average time in each status",
    "The numbers",
    "Week of",
    "Counted on the desk's clock",
    "resolved",
    "Period",
    "All shops",
    "Show",
]


def visible_text(html: str) -> str:
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def russian(settings):
    settings.LANGUAGE_CODE = "ru"


def csv_rows(client, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        response = client.get(reverse("kpi:kpi_csv"), {"period": "today"})
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.usefixtures("russian")
def test_a_russian_reader_sees_the_kpi_page_in_russian_with_no_english_heading_left(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        text = visible_text(client.get(reverse("kpi:kpi"), {"period": "today"}).content.decode())
    for heading in (
        "Показатели",
        "Менеджер",
        "Получено",
        "Средняя оценка",
        "Команда",
        "Среднее время в каждом статусе",
    ):
        assert heading in text
    left = [english for english in ENGLISH_ON_THE_PAGE if re.search(rf"\b{re.escape(english)}\b", text)]
    assert left == []


@pytest.mark.usefixtures("russian")
def test_a_russian_reader_sees_the_orders_behind_a_number_in_russian(client, history, desk):
    client.force_login(desk["boss"])
    with time_machine.travel(at(18), tick=False):
        html = client.get(
            reverse("kpi:kpi_orders"), {"period": "today", "figure": "taken", "manager": "team"}
        ).content.decode()
    text = visible_text(html)
    assert "Получено" in text and "Засчитано" in text and "Менеджер сейчас" in text
    assert not re.search(r"\b(Counted for|Manager now|the team|A line for each time)\b", text)


@pytest.mark.usefixtures("russian")
def test_the_kpi_csv_heading_row_is_russian_for_a_russian_reader(client, history, desk):
    rows = csv_rows(client, desk)
    assert rows[0][:6] == ["менеджер", "логин", "получено", "выполнено", "отменено", "доля просроченных"]
    assert rows[-1][0] == "Команда"


def test_the_kpi_csv_heading_row_is_english_for_an_english_reader(client, history, desk):
    rows = csv_rows(client, desk)
    assert rows[0][:6] == ["manager", "username", "taken", "completed", "cancelled", "overdue share"]
    assert rows[-1][0] == "Team"
