"""The KPI page's period and shop boxes are drawn by crispy-forms like every page form: the pack's wrapper and
small Bootstrap boxes, the chosen period and shop shown as chosen, the shop box only for those who see every row,
and a refused period said above the boxes with both days kept."""

import re

import pytest
from django.urls import reverse

from tests.factories import ShopFactory, free_manager, supervisor
from tests.orders.test_page_forms_render_through_crispy import box_classes, field_block


@pytest.fixture
def shops(db):
    return ShopFactory(always_open=True, name="Green Garden"), ShopFactory(always_open=True, name="Gadgets")


def selected(block: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*selected', block)


def test_a_supervisor_chooses_period_and_shop_in_crispy_boxes_that_show_the_choice(client, shops):
    garden, gadgets = shops
    free_manager(username="anna", shops=[garden, gadgets])
    client.force_login(supervisor(username="boss"))
    page = client.get(reverse("kpi:kpi"), {"period": "30d", "shop": gadgets.pk}).content.decode()
    assert {"form-select", "form-select-sm"} <= box_classes(field_block(page, "period"))
    assert {"form-control", "form-control-sm"} <= box_classes(field_block(page, "first"))
    assert selected(field_block(page, "period")) == ["30d"]
    shop = field_block(page, "shop")
    assert {"form-select", "form-select-sm"} <= box_classes(shop)
    assert selected(shop) == [str(gadgets.pk)]
    assert "Green Garden" in shop and "All shops" in shop


def test_without_a_period_asked_the_page_shows_seven_days_as_chosen(client, shops):
    client.force_login(supervisor(username="boss"))
    page = client.get(reverse("kpi:kpi"), {"sort": "name"}).content.decode()
    assert selected(field_block(page, "period")) == ["7d"]


def test_a_manager_has_no_shop_box(client, shops):
    client.force_login(free_manager(username="anna", shops=[shops[0]]))
    page = client.get(reverse("kpi:kpi")).content.decode()
    assert 'id="div_id_period"' in page and 'id="div_id_shop"' not in page


def test_a_refused_period_is_said_above_the_boxes_and_keeps_both_days(client, shops):
    client.force_login(supervisor(username="boss"))
    page = client.get(
        reverse("kpi:kpi"), {"period": "custom", "first": "2026-12-05", "last": "2026-12-01"}
    ).content.decode()
    assert 'data-testid="period-error"' in page and "first day comes after its last" in page
    assert page.count("first day comes after its last") == 1  # said once, not again by crispy
    assert 'value="2026-12-05"' in field_block(page, "first")
    assert 'value="2026-12-01"' in field_block(page, "last")
