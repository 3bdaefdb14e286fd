"""Pages whose cost stays flat: the page numbers a long list offers, with or without a counted total."""

from core.pagination import CheapPage


def test_page_numbers_skip_the_middle_of_a_long_list():
    page = CheapPage(items=[], number=10, has_next=True, per_page=25, total=25 * 40)
    assert page.numbers == [1, None, 8, 9, 10, 11, 12, None, 40]
    unknown_end = CheapPage(items=[], number=3, has_next=True, per_page=25, total=None)
    assert unknown_end.numbers == [1, 2, 3, 4]
