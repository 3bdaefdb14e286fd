"""The supervisor's dashboard in the reader's language: Russian headings, presence and empty states, none of the
English ones left, and counts in Russian's plural forms."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from assignment.models import Presence
from assignment.services import presence_set
from tests.factories import ShopFactory, free_manager, make_order, supervisor

ENGLISH_ON_THE_PAGE = [
    "Dashboard",
    "Team",
    "Presence",
    "Open orders / quota",
    "Open tasks",
    "Not taken up",
    "Claims",
    "No open claims",
    "Overdue orders",
    "Overdue tasks",
    "No overdue tasks",
    "Unassigned queue",
    "oldest waiting",
    "Lunch",
    "Free",
    "none",
]


def visible_text(html: str) -> str:
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.django_db
def test_a_russian_supervisor_sees_the_dashboard_in_russian_with_no_english_label_left(client, settings):
    settings.LANGUAGE_CODE = "ru"
    shop = ShopFactory()
    make_order(shop)  # nobody free yet: it waits in the queue
    presence_set(
        user=free_manager(username="away", first_name="Борис", last_name="Иванов"), presence=Presence.LUNCH
    )
    client.force_login(supervisor())
    text = visible_text(client.get("/dashboard/").content.decode())
    for russian in (
        "Сводка",
        "Команда",
        "Открытые заказы / лимит",
        "На обеде",
        "Претензии",
        "Очередь без менеджера",
    ):
        assert russian in text
    left = [english for english in ENGLISH_ON_THE_PAGE if re.search(rf"\b{re.escape(english)}\b", text)]
    assert left == []


def test_the_presence_choices_read_as_retailcrm_names_them_in_russian():
    with translation.override("ru"):
        assert [str(label) for label in Presence.labels] == [
            "Свободен",
            "Занят",
            "На обеде",
            "Перерыв",
            "Не в сети",
        ]


class Glance:
    def __init__(self, n: int):
        self.open = self.overdue = self.replies = n
        self.latest = []


@pytest.mark.parametrize(
    "n, open_claims, replies",
    [
        (1, "1 открыта", "1 ответ ждёт человека"),
        (2, "2 открыты", "2 ответа ждут человека"),
        (5, "5 открыто", "5 ответов ждут человека"),
        (21, "21 открыта", "21 ответ ждёт человека"),
    ],
)
def test_the_dashboards_claim_counts_take_russians_plural_forms(n, open_claims, replies):
    with translation.override("ru"):
        text = re.sub(r"\s+", " ", render_to_string("dashboard/_claims.html", {"glance": Glance(n)}))
    assert open_claims in text and replies in text
