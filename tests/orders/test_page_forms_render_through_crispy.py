"""Page forms are drawn one way, by crispy-forms' Bootstrap 5 pack: no forms module sets a CSS class on a widget by
hand, every page's form comes out with the pack's markup (a field's wrapper `div_id_<name>`, its Bootstrap class),
and a refused form shows each error under its own box, with what was typed still in it."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from orders.services import order_change_status
from tests.factories import ShopFactory, free_manager, make_order, make_task, supervisor

ROOT = Path(__file__).resolve().parents[2]
# The modules that declare forms, filters and their fields, in every app.
FORM_MODULES = sorted(
    path
    for pattern in ("*/forms.py", "*/api_forms.py", "*/fields.py", "*/filters.py", "*/layouts.py")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
# `attrs={"class": ...}`, `attrs["class"] = ...`, `attrs.update({"class": ...})`, in either quotes.
HAND_SET_CLASS = re.compile(r"""["']class["']\s*[:\]]""")


def hand_set_classes(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if HAND_SET_CLASS.search(line) and not line.lstrip().startswith("#")
    ]


def test_the_scan_finds_the_forms_modules_and_would_catch_a_class_set_by_hand():
    names = {f"{path.parent.name}/{path.name}" for path in FORM_MODULES}
    assert {"orders/forms.py", "orders/api_forms.py", "orders/fields.py", "orders/filters.py"} <= names
    assert {"feedback/forms.py", "notifications/forms.py", "accounts/forms.py"} <= names
    for hand_set in (
        'widget=forms.TextInput(attrs={"placeholder": "Why", "class": "form-control"}),',
        "field.widget.attrs['class'] = 'form-select form-select-sm'",
        'widget.attrs.update({"class": "form-control"})',
    ):
        assert hand_set_classes(hand_set) == [hand_set]
    # Sizes given to crispy's layout objects are not a class on a widget.
    assert hand_set_classes('Field("kind", css_class="form-select-sm")') == []


@pytest.mark.parametrize("path", FORM_MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_forms_module_sets_a_css_class_on_a_widget_by_hand(path):
    assert hand_set_classes(path.read_text()) == []


@pytest.fixture
def shop(db):
    return ShopFactory(always_open=True, name="Green Garden")


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Anna", last_name="Smirnova", shops=[shop])


def field_block(page: str, name: str) -> str:
    """The markup crispy draws for one field: from its wrapper to the next field's."""
    start = page.index(f'id="div_id_{name}"')
    end = page.find('id="div_id_', start + 1)
    return page[start : end if end != -1 else len(page)]


def box_classes(block: str) -> set[str]:
    """The classes on the field's box (its input, select or textarea)."""
    box = re.search(r'<(?:input|select|textarea)\b[^>]*\bclass="([^"]*)"', block)
    return set(box.group(1).split()) if box else set()


def test_every_form_on_the_order_page_is_drawn_by_crispy(client, shop, anna):
    order = make_order(shop, manager=anna, customer_name="Maria Volkova")
    order_change_status(order=order, target="approval", by=anna)  # "Cancelled" is a step from here
    make_task(order, assignee=anna, text="Confirm the address")  # its last task: closing it asks the next step
    boss = supervisor(username="boss")
    client.force_login(boss)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    # Task, call, note, reassign and the cancel step's reason: the pack's wrapper and Bootstrap class on each box.
    assert {"form-select", "form-select-sm"} <= box_classes(field_block(page, "kind"))
    assert {"form-control", "form-control-sm"} <= box_classes(field_block(page, "due_at"))
    assert 'class="form-check form-check-inline small"' in field_block(page, "about_customer")
    assert {"form-control", "form-control-sm"} <= box_classes(field_block(page, "note"))
    assert {"form-control", "form-control-sm"} <= box_classes(field_block(page, "next_text"))
    assert 'class="input-group"' in page[page.index('id="note-text"') - 400 : page.index('id="note-text"')]
    assert {"form-select", "form-select-sm"} <= box_classes(field_block(page, "manager"))
    # The reasons sit in an input group beside their button (no wrapper of their own): the cancel step's, then
    # the reassign's.
    reasons = re.findall(r'<div class="input-group">\s*<input[^>]*name="reason"[^>]*>', page)
    assert len(reasons) == 2 and {"form-control", "form-control-sm"} <= box_classes(reasons[1])
    assert 'placeholder="Why is the order cancelled?"' in reasons[0] and "form-control" in box_classes(reasons[0])
    # The message form is messaging's, on the same page.
    assert {"form-control", "form-control-sm"} <= box_classes(field_block(page, "body"))


def test_new_order_refused_shows_each_error_under_its_box_and_keeps_what_was_typed(client, shop, anna):
    client.force_login(anna)
    assert 'id="div_id_phone"' in client.get(reverse("orders:new")).content.decode()
    response = client.post(
        reverse("orders:new"),
        {
            "shop": shop.pk,
            "phone": "12",
            "email": "not-an-email",
            "name": "Olga",
            "method": "phone",
            "delivery_address": "Arbat 5",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 1,
            "items-MAX_NUM_FORMS": 1000,
            "items-0-name": "Garden hose",
            "items-0-qty": 0,
            "items-0-price": 1890,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    phone, email, qty = field_block(page, "phone"), field_block(page, "email"), field_block(page, "items-0-qty")
    assert 'value="12"' in phone and "is-invalid" in phone and "not a phone number in use" in phone
    assert 'value="not-an-email"' in email and "is-invalid" in email and "Enter a valid email address" in email
    assert 'value="0"' in qty and "is-invalid" in qty and "greater than or equal to 1" in qty
    assert 'value="Olga"' in field_block(page, "name") and "is-invalid" not in field_block(page, "name")
    assert "Arbat 5</textarea>" in field_block(page, "delivery_address")
    assert 'value="Garden hose"' in field_block(page, "items-0-name")


def test_the_customer_form_refused_says_why_under_the_form_and_keeps_the_name(client, shop, anna):
    order = make_order(shop, manager=anna, customer_name="Maria Volkova")
    client.force_login(anna)
    url = reverse("orders:customer_edit", args=[order.customer_id])
    page = client.post(url, {"name": "Maria V.", "phone": "", "email": ""}).content.decode()
    details = page[page.index('data-testid="customer-form"') :]
    assert 'class="alert alert-block alert-danger"' in details
    assert "Give the customer&#x27;s phone or email: the desk finds the customer by them." in details
    assert 'value="Maria V."' in field_block(details, "name")


def test_the_list_filters_show_a_refused_date_under_its_box_and_keep_both_dates(client, shop, anna):
    client.force_login(anna)
    page = client.get(
        reverse("orders:list"), {"scope": "all", "created_after": "2026-12-05", "created_before": "2026-12-01"}
    ).content.decode()
    before = field_block(page, "created_before")
    assert 'value="2026-12-01"' in before and "is-invalid" in before and "swap the dates" in before
    assert 'value="2026-12-05"' in field_block(page, "created_after")
    assert {"form-select", "form-select-sm"} <= box_classes(field_block(page, "status"))


def test_the_bulk_reassign_bar_is_drawn_by_crispy(client, shop, anna):
    make_order(shop, manager=anna)
    client.force_login(supervisor(username="boss"))
    page = client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    bar = page[
        page.index('data-testid="bulk-reassign"') : page.index(
            "</form>", page.index('data-testid="bulk-reassign"')
        )
    ]
    assert {"form-select", "form-select-sm"} <= box_classes(field_block(bar, "manager"))
    assert {"form-control", "form-control-sm"} <= box_classes(field_block(bar, "reason"))
