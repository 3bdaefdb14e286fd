"""Reading a customer's reply as a rating (`rating_parse`), over real-looking replies. No database."""

import pytest

from feedback.services import rating_parse

pytestmark = pytest.mark.pure

# Real-looking replies and what the desk reads in them.
REPLIES = [
    ("5", 5), ("4", 4), ("3", 3), ("2", 2), ("1", 1),
    (" 4.", 4), ("5!", 5), ("5!!!", 5), ("оценка 3", 3), ("Оценка: 5", 5), ("5 👍", 5), ("👍 5", 5),
    ("5️⃣", 5), ("5/5", None), ("ставлю 4", 4), ("my rating is 4", 4), ("4 stars", 4), ("«5»", 5), ("(2)", 2),
    ("10", None), ("0", None), ("6", None), ("1 2", None), ("4.5", None), ("4,5", None), ("👍", None), ("", None),
    ("   ", None), ("Всё отлично, спасибо!", None), ("Спасибо, всё пришло вовремя и в целости, ставлю 5", None),
    ("yes", None), ("Order 12345", None), ("5 5", None), ("-3", 3),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rating"), REPLIES)
def test_the_digit_parser_reads_a_single_digit_from_a_short_reply(text, rating):
    assert rating_parse(text) == rating


@pytest.mark.parametrize("text", ["5", "5 stars", "5 звёзд", " 5 ", "5."])
def test_a_five_reads_as_five_with_or_without_words_around_it(text):
    assert rating_parse(text) == 5


@pytest.mark.parametrize("text", ["⭐⭐⭐", "⭐⭐⭐⭐⭐", "★★★★", "five", "пять"])
def test_stars_and_spelt_out_numbers_are_not_guessed_at_an_inspector_reads_them(text):
    assert rating_parse(text) is None


@pytest.mark.parametrize("text", ["10", "10/10", "15", "100"], ids=["10", "10 of 10", "15", "100"])
def test_a_number_of_two_digits_or_more_is_no_rating_even_when_it_means_top_marks(text):
    assert rating_parse(text) is None


@pytest.mark.parametrize("text", ["6", "0", "9"])
def test_a_single_digit_outside_one_to_five_is_no_rating(text):
    assert rating_parse(text) is None


def test_a_reply_longer_than_a_short_answer_is_not_read_though_it_holds_one_digit():
    assert rating_parse("5 " + "a" * 29) is None  # 31 characters with the digit
    assert rating_parse("5 " + "a" * 28) == 5  # 30: still short
    assert rating_parse("it was 4 mostly ok") is None  # four words besides the digit
    assert rating_parse("it was 4 ok") == 4  # three
