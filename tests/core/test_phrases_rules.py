"""A sentence the desk stores as data (core.phrases) is said in the reader's language when read, whatever language
was active when it was written; a row written before phrases, or a phrase that cannot be read, still reads."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from core.phrases import Money, Phrase, joined, label, phrase, plural_noop, shown

pytestmark = pytest.mark.pure

RECEIVED = gettext_noop("Order received (%(method)s), total %(total)s.")
MISSES = plural_noop(
    "Customer unreachable after %(count)s call, and the status matrix does not let this order be cancelled from "
    "%(status)s: a supervisor decides.",
    "Customer unreachable after %(count)s calls, and the status matrix does not let this order be cancelled from "
    "%(status)s: a supervisor decides.",
)


def read(sentence: Phrase, language: str) -> str:
    """What a reader in `language` sees of the stored row."""
    stored = json.loads(json.dumps(sentence.to_json()))  # as the JSON column keeps it
    with translation.override(language):
        return shown(stored, sentence.english())


# A choice label (lazy) whose Russian is in Django's own catalogue: the desk's labels are said the same way.
UNKNOWN = gettext_lazy("Unknown")


def test_a_line_written_in_english_reads_in_russian_for_a_russian_reader_and_in_english_for_an_english_one():
    with translation.override("en"):
        written = phrase(RECEIVED, method=label(UNKNOWN), total=Money(Decimal("4770.50"), "RUB"))
    assert read(written, "en") == "Order received (Unknown), total ₽4,770.50."
    assert read(written, "ru") == "Получен заказ (Неизвестно), сумма 4\xa0770,50\xa0₽."


def test_a_line_written_while_russian_is_active_keeps_english_text_and_reads_in_english():
    with translation.override("ru"):
        written = phrase(RECEIVED, method=label(UNKNOWN), total=Money(Decimal("10"), "RUB"))
        assert written.english() == "Order received (Unknown), total ₽10."
    assert read(written, "en") == "Order received (Unknown), total ₽10."


@pytest.mark.parametrize(
    ("count", "russian"),
    [
        (1, "1 открытая задача"),
        (2, "2 открытые задачи"),
        (5, "5 открытых задач"),
        (21, "21 открытая задача"),
        (22, "22 открытые задачи"),
        (25, "25 открытых задач"),
        (111, "111 открытых задач"),
    ],
)
def test_plural_lines_take_the_form_of_their_count_in_each_language(count, russian):
    sentence = phrase(*plural_noop("%(count)s open task", "%(count)s open tasks"), count=count)
    assert read(sentence, "ru") == russian
    assert read(sentence, "en") == f"{count} open task{'' if count == 1 else 's'}"


def test_a_plural_line_inside_another_keeps_its_form():
    sentence = phrase(*MISSES, count=2, status="Delivery")
    assert read(sentence, "en").startswith("Customer unreachable after 2 calls, and")
    assert read(sentence, "ru").startswith("Клиент не ответил на 2 звонка")


def test_a_nested_choice_label_is_said_in_the_readers_language_and_lower_case_when_asked():
    sentence = phrase(gettext_noop("Call: %(outcome)s"), outcome=label(UNKNOWN, lower=True))
    assert read(sentence, "en") == "Call: unknown"
    assert read(sentence, "ru") == "Звонок: неизвестно"


def test_moments_days_and_money_are_said_in_the_readers_locale():
    sentence = phrase(
        gettext_noop("%(carrier)s: %(state)s (%(location)s)"),
        carrier="CDEK",
        state=datetime(2026, 12, 7, 10, 4, tzinfo=UTC),  # desk time: Europe/Moscow, 13:04
        location=joined([date(2026, 11, 27), Money(Decimal("1234.5"), "RUB")]),
    )
    assert read(sentence, "en") == "CDEK: 7 Dec, 13:04 (27 Nov, ₽1,234.50)"
    russian = read(sentence, "ru")
    assert russian.startswith("CDEK: 7 ") and ", 13:04 (27 " in russian and "1\xa0234,50\xa0₽" in russian
    assert "Dec" not in russian and "Nov" not in russian


def test_a_legacy_row_with_only_text_shows_its_text():
    with translation.override("ru"):
        assert shown(None, "Status New → Delivery") == "Status New → Delivery"


@pytest.mark.parametrize(
    "corrupt",
    [
        "not a phrase",
        {"params": {}},
        {"msgid": "%(count)s", "plural": "%(count)s", "params": {}},
        {"msgid": "Paid: %(amount)s", "params": {"amount": {"money": "lots", "currency": "RUB"}}},
        {"msgid": "Due %(at)s", "params": {"at": {"moment": "yesterday"}}},
        {"msgid": "Due %(at)s", "params": {"at": {"moment": "2026-12-07T10:00:00"}}},  # no offset
        {"msgid": "%(x)s", "params": {"x": [1, 2]}},
        {"msgid": "%(x)s", "params": {"x": True}},
    ],
)
def test_a_phrase_that_cannot_be_read_falls_back_to_the_rows_text(corrupt):
    with translation.override("ru"):
        assert shown(corrupt, "Paid: 400") == "Paid: 400"


def test_a_phrase_missing_a_parameter_reads_as_its_english_message_id_not_an_error():
    missing = {"msgid": gettext_noop("Done: %(text)s"), "params": {"other": "x"}}
    with translation.override("ru"):
        assert shown(missing, "Done: Call") == "Done: %(text)s"


def test_a_phrase_round_trips_through_json_unchanged():
    sentence = phrase(
        *plural_noop("%(count)s open task", "%(count)s open tasks"),
        count=3,
    )
    nested = phrase(
        gettext_noop("%(line)s. Moved to %(name)s: %(moved)s."),
        line=phrase(gettext_noop("Assigned to %(name)s"), name="Anna"),
        name="Anna",
        moved=joined([sentence, datetime(2026, 1, 2, 3, 4, tzinfo=UTC), date(2026, 1, 2)], "; "),
    )
    assert Phrase.from_json(json.loads(json.dumps(nested.to_json()))) == nested


def test_a_phrase_refuses_values_it_cannot_keep():
    with pytest.raises(TypeError):
        phrase(gettext_noop("%(x)s"), x=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        phrase(*plural_noop("%(count)s call", "%(count)s calls"))  # no count
