"""The claim pages' forms are drawn by crispy-forms' Bootstrap 5 pack: the filters keep what was chosen, a refused
step or note says why and keeps what was typed."""

import pytest
from django.urls import reverse

from feedback.services import claim_move, claim_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(delivered, igor):
    claim = claim_open(order=delivered, reason="Rated 1/5: the lid was cracked")
    claim_move(claim=claim, action="take", by=igor)
    return claim


def field_block(page: str, name: str) -> str:
    start = page.index(f'id="div_id_{name}"')
    end = page.find('id="div_id_', start + 1)
    return page[start : end if end != -1 else len(page)]


def test_the_claim_filters_are_drawn_by_crispy_and_keep_what_was_chosen(client, claim, igor, shop):
    client.force_login(igor)
    page = client.get(reverse("feedback:claims"), {"state": "", "shop": shop.pk, "overdue": "on"}).content.decode()
    state, chosen_shop, overdue = (
        field_block(page, "state"),
        field_block(page, "shop"),
        field_block(page, "overdue"),
    )
    assert "form-select-sm" in state and '<option value="" selected>All</option>' in state
    assert "form-select-sm" in chosen_shop and f'<option value="{shop.pk}" selected>' in chosen_shop
    assert "form-check-input" in overdue and "checked" in overdue


def test_a_refused_note_keeps_what_was_typed_under_crispys_markup(client, claim, igor):
    client.force_login(igor)
    response = client.post(reverse("feedback:claim_note", args=[claim.pk]), {"text": "x" * 1001})
    page = response.content.decode()
    assert response.status_code == 400
    note = page[
        page.index('id="claim-note-text"') - 300 : page.index("</textarea>", page.index('id="claim-note-text"'))
    ]
    assert 'class="input-group"' in note and "is-invalid" in note and "x" * 1001 in note


def test_a_refused_step_says_why_above_the_outcome_box(client, claim, igor):
    client.force_login(igor)
    response = client.post(reverse("feedback:claim_step", args=[claim.pk]), {"action": "resolve", "text": ""})
    steps = response.content.decode().split('data-testid="claim-steps"')[1].split("</form>")[0]
    assert 'class="alert alert-block alert-danger"' in steps and "Say what was done" in steps
    assert steps.index("Say what was done") < steps.index('id="div_id_text"')
