"""A form the desk refuses comes back with what was typed and a clear error; notes keep their line breaks."""

import pytest
import time_machine
from django.urls import reverse

from assignment.models import Presence
from orders.models import OrderEvent, Task
from tests.factories import ShopFactory, free_manager, make_order, make_task, msk

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return free_manager(username="anna", first_name="Anna", last_name="S")


@pytest.fixture
def order(anna):
    return make_order(ShopFactory(always_open=True), manager=anna)


def test_a_task_refused_for_a_past_due_time_keeps_what_was_typed(client, anna, order):
    client.force_login(anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        response = client.post(
            reverse("orders:task_create", args=[order.pk]),
            {
                "kind": "custom",
                "text": "Send the invoice to the accountant",
                "due_at": "2026-11-20T10:00",
                "assignee": anna.pk,
            },
        )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The due time is in the past" in page
    assert 'value="Send the invoice to the accountant"' in page and 'value="2026-11-20T10:00"' in page
    assert '<option value="custom" selected>' in page
    assert not Task.objects.filter(text__startswith="Send the invoice").exists()


def test_a_refused_next_step_keeps_what_was_typed(client, anna, order):
    task = make_task(order, assignee=anna, text="Call back")
    client.force_login(anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        response = client.post(
            reverse("orders:task_done", args=[task.pk]),
            {"next_kind": "custom", "next_text": "Pack the hose", "next_due_at": "2026-11-01T09:00"},
        )
    page = response.content.decode()
    assert response.status_code == 400 and "The due time is in the past" in page
    form = page.split('data-testid="next-step-form"')[1].split("</form>")[0]
    assert 'value="Pack the hose"' in form and 'value="2026-11-01T09:00"' in form
    assert '<option value="custom" selected>' in form
    task.refresh_from_db()
    assert task.done_at is None  # nothing half-saved: the task stays open


def test_the_next_step_form_offers_every_kind_of_task(client, anna, order):
    make_task(order, assignee=anna, text="Call back")
    client.force_login(anna)
    form = (
        client.get(reverse("orders:detail", args=[order.pk]))
        .content.decode()
        .split('data-testid="next-step-form"')[1]
    )
    assert '<option value="call"' in form and '<option value="custom"' in form


def test_a_note_over_the_limit_keeps_what_was_typed_and_shows_the_counter(client, anna, order):
    client.force_login(anna)
    too_long = "x" * 501
    response = client.post(reverse("orders:note", args=[order.pk]), {"text": too_long})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Note: Ensure this value has at most 500 characters (it has 501)." in page
    assert f"{too_long}</textarea>" in page and "501 / 500" in page
    assert not order.events.filter(kind=OrderEvent.Kind.NOTE).exists()


def test_a_notes_line_breaks_stay_in_the_history(client, anna, order):
    client.force_login(anna)
    client.post(
        reverse("orders:note", args=[order.pk]), {"text": "Called twice.\nWill try tomorrow <b>10:00</b>."}
    )
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Called twice.<br>Will try tomorrow &lt;b&gt;10:00&lt;/b&gt;." in page
    assert 'data-counter-for="note-text"' in page and "0 / 500" in page


@pytest.mark.parametrize(
    ("presence", "said"),
    [
        (Presence.LUNCH, "You are on lunch."),
        (Presence.BREAK, "You are on a break."),
        (Presence.BUSY, "You are busy: new orders go to others for now."),
        (Presence.OFFLINE, "You are offline."),
        (Presence.FREE, "You are free: new orders come to you."),
    ],
)
def test_switching_presence_says_it_in_words(client, anna, presence, said):
    client.force_login(anna)
    response = client.post(reverse("assignment:presence"), {"presence": presence}, follow=True)
    assert said in response.content.decode()
