import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment.models import AssignmentDecision
from notifications.models import Notification
from orders.clock import outside_night
from orders.exceptions import NextStepRequired, OrderError
from orders.models import (
    CallOutcome,
    CallScript,
    Customer,
    CustomerZone,
    NoAnswerStep,
    Order,
    OrderEvent,
    Shop,
    StatusTransition,
    Task,
    ZoneSource,
)
from orders.selectors import order_next_for_manager
from orders.services import (
    order_change_status,
    order_record_call,
    orders_flag_overdue,
    task_complete,
    tasks_remind_due,
)
from orders.tasks import remind_due_tasks
from tests.factories import MSK, ShopFactory, free_manager, grant, make_order, make_task, manager, msk, supervisor

pytestmark = pytest.mark.django_db

VLADIVOSTOK = zoneinfo.ZoneInfo("Asia/Vladivostok")
MOSCOW_MOBILE = "+79161112233"  # says nothing about the zone: the shop's (Moscow) is used
VLADIVOSTOK_PHONE = "+74232123456"


@pytest.fixture
def shop():
    return ShopFactory(timezone="Europe/Moscow")


@pytest.fixture
def anna():
    return manager(username="anna", first_name="Anna", last_name="Smirnova")


def call_tasks(order):
    return order.tasks.filter(kind=Task.Kind.CALL, done_at__isnull=True)


def test_the_no_answer_ladder_retries_in_5_min_30_min_3_h_a_day_then_cancels_as_unreachable(shop, anna):
    order = make_order(shop, manager=anna, phone=MOSCOW_MOBILE)
    start = msk(2026, 11, 23, 11, 0)
    expected_waits = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=3), timedelta(days=1)]
    moment = start
    for miss, wait in enumerate(expected_waits, start=1):
        with time_machine.travel(moment, tick=False):
            result = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
        assert result.next_call.due_at == moment + wait
        assert result.next_call.assignee == anna and result.next_call.created_by is None
        assert list(call_tasks(order)) == [result.next_call]  # the previous call task was closed by the call
        closed = "" if miss == 1 else f"; closed the call task “Call again (no answer ×{miss - 1})”"
        assert result.event.text == f"Call: no answer (miss {miss} of 5){closed}"
        moment = result.next_call.due_at
    with time_machine.travel(moment, tick=False):
        result = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    order.refresh_from_db()
    assert result.cancelled and result.next_call is None
    assert order.status == "cancelled" and order.cancel_reason == "unreachable"
    assert not order.tasks.filter(done_at__isnull=True).exists()
    assert order.events.filter(kind=OrderEvent.Kind.CALL).count() == 5


def test_reaching_the_customer_closes_the_ladder(shop, anna):
    order = make_order(shop, manager=anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        order_record_call(order=order, by=anna, outcome=CallOutcome.BUSY)
        order_record_call(order=order, by=anna, outcome=CallOutcome.UNREACHABLE)
        result = order_record_call(order=order, by=anna, outcome=CallOutcome.REACHED, note="Confirmed for Friday")
    order.refresh_from_db()
    assert order.missed_calls == 0
    assert result.next_call is None and not call_tasks(order).exists()
    assert (
        result.event.text
        == "Call: reached; closed the call task “Call again (unreachable ×2)”. Confirmed for Friday"
    )
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        again = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert again.next_call.due_at == msk(2026, 11, 23, 12, 5)  # a fresh ladder starts at its first rung


def test_a_call_names_the_call_tasks_it_closed_in_the_history_and_the_message(client, shop, anna):
    order = make_order(shop, manager=anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        make_task(order, assignee=anna, text="Call back: confirm the order", due_at=msk(2026, 11, 23, 12, 0))
        make_task(order, assignee=anna, text="Check stock", kind=Task.Kind.CUSTOM, due_at=msk(2026, 11, 23, 13, 0))
        client.force_login(anna)
        response = client.post(
            reverse("orders:call", args=[order.pk]),
            {"outcome": CallOutcome.REACHED, "note": "Friday"},
            follow=True,
        )
    said = "Call: reached; closed the call task “Call back: confirm the order”. Friday"
    assert order.events.get(kind=OrderEvent.Kind.CALL).text == said
    assert [str(message) for message in response.context["messages"]] == [f"{said}. Plan the next step."]
    assert list(order.tasks.filter(done_at__isnull=True).values_list("text", flat=True)) == ["Check stock"]


def test_when_the_matrix_forbids_cancelling_the_unreachable_customer_goes_to_a_supervisor(shop, anna):
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    order = make_order(shop, manager=anna)
    StatusTransition.objects.filter(source__code="new", target__code="cancelled").delete()
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        for _ in range(5):
            result = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    order.refresh_from_db()
    assert result.needs_supervisor and not result.cancelled
    assert order.status == "new"
    assert order.events.filter(
        kind=OrderEvent.Kind.ESCALATION, text__contains="unreachable after 5 calls"
    ).exists()
    note = Notification.objects.get(recipient=boss, kind=Notification.Kind.ESCALATION)
    assert order.number in note.text and "did not answer 5 calls" in note.text


def test_the_ladder_is_edited_in_admin(admin_client, shop, anna):
    first = NoAnswerStep.objects.get(outcome="no_answer", miss=1)
    response = admin_client.post(
        reverse("admin:orders_noanswerstep_change", args=[first.pk]),
        {"outcome": "no_answer", "miss": 1, "retry_after": "00:15:00"},
    )
    assert response.status_code == 302
    NoAnswerStep.objects.filter(outcome="no_answer", miss__gt=2).delete()  # a shorter ladder gives up sooner
    order = make_order(shop, manager=anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        assert order_record_call(order=order, by=anna, outcome="no_answer").next_call.due_at == msk(
            2026, 11, 23, 11, 15
        )
        order_record_call(order=order, by=anna, outcome="no_answer")
        assert order_record_call(order=order, by=anna, outcome="no_answer").cancelled


def test_a_vladivostok_customer_called_from_moscow_at_1500_is_called_again_in_their_morning(shop, anna):
    order = make_order(shop, manager=anna, phone=VLADIVOSTOK_PHONE)
    assert order.customer.zone_found == CustomerZone(VLADIVOSTOK, ZoneSource.PHONE)
    with time_machine.travel(msk(2026, 11, 23, 15, 0), tick=False):  # 22:00 in Vladivostok
        result = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert result.next_call.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=VLADIVOSTOK)  # 02:00 Moscow time
    assert result.next_call.due_at == msk(2026, 11, 24, 2, 0)


def test_a_customer_behind_moscow_is_called_again_in_their_evening_though_it_is_night_in_moscow(shop, anna):
    order = make_order(shop, manager=anna, phone=MOSCOW_MOBILE)
    Customer.objects.filter(pk=order.customer_id).update(timezone="Europe/Kaliningrad")  # an hour behind
    with time_machine.travel(msk(2026, 11, 23, 21, 30), tick=False):  # 20:30 in Kaliningrad
        result = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert result.next_call.due_at == msk(2026, 11, 23, 21, 35)  # 20:35 there: still their evening


def test_a_customer_far_behind_called_in_their_night_is_called_again_in_their_morning(shop, anna):
    order = make_order(shop, manager=anna, phone=MOSCOW_MOBILE)
    Customer.objects.filter(pk=order.customer_id).update(timezone="America/New_York")
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):  # 03:00 in New York
        result = order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert result.next_call.due_at == datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert result.next_call.due_at == msk(2026, 11, 23, 17, 0)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 11, 23, 8, 58), (2026, 11, 23, 9, 0)),  # before the morning: same day 09:00
        ((2026, 11, 23, 9, 0), (2026, 11, 23, 9, 0)),  # the morning itself is fine
        ((2026, 11, 23, 20, 59), (2026, 11, 23, 20, 59)),  # last minute of the day
        ((2026, 11, 23, 21, 0), (2026, 11, 24, 9, 0)),  # evening: next morning
        ((2026, 11, 23, 0, 30), (2026, 11, 23, 9, 0)),  # after midnight: this morning
        ((2026, 12, 31, 23, 0), (2027, 1, 1, 9, 0)),  # across the year
    ],
)
def test_a_call_time_in_the_customers_night_moves_to_their_morning(local, expected):
    moment = datetime(*local, tzinfo=VLADIVOSTOK).astimezone(MSK)
    customer = Customer(shop=Shop(), timezone="Asia/Vladivostok")  # the shop's default quiet hours, 21:00–09:00
    assert outside_night(moment, customer) == datetime(*expected, tzinfo=VLADIVOSTOK)


def test_a_due_task_is_reminded_once(shop, anna):
    order = make_order(shop, manager=anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        task = make_task(order, assignee=anna, due_at=msk(2026, 11, 23, 11, 30))
        later = make_task(order, assignee=anna, text="Later", due_at=msk(2026, 11, 23, 18, 0))
        assert remind_due_tasks() == 0
    with time_machine.travel(msk(2026, 11, 23, 11, 31), tick=False):
        assert remind_due_tasks() == 1
        assert tasks_remind_due() == 0
    reminders = Notification.objects.filter(recipient=anna, kind=Notification.Kind.REMINDER)
    assert [n.text for n in reminders] == [f"Call due now (order {order.number}): Call"]
    assert reminders.get().link == reverse("orders:detail", args=[order.pk])
    task.refresh_from_db()
    later.refresh_from_db()
    assert task.reminded_at is not None and later.reminded_at is None


def test_the_order_page_warns_when_an_open_order_has_no_next_step(client, shop, anna):
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="no-next-step"' in page
    make_task(order, assignee=anna)
    assert (
        'data-testid="no-next-step"' not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    )


def test_a_closed_order_needs_no_next_step_and_its_tasks_are_closed(client, shop, anna):
    order = make_order(shop, manager=anna)
    task = make_task(order, assignee=anna)
    order_change_status(order=order, target="cancelled", by=anna, reason="changed their mind")
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == anna
    client.force_login(anna)
    assert (
        'data-testid="no-next-step"' not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    )


def post_task(client, order, *, text, due_at, assignee, about=""):
    """The order page's Task form as sent."""
    form = {"kind": "call", "text": text, "due_at": f"{due_at:%Y-%m-%dT%H:%M}", "assignee": assignee.pk}
    return client.post(
        reverse("orders:task_create", args=[order.pk]), {**form, "about_customer": about}, follow=True
    )


def close(order, final, by):
    """Through the matrix to a final status, the way a manager gets there."""
    path = ["approval", "assembly", "delivery", "complete"] if final == "complete" else ["cancelled"]
    for code in path:
        order_change_status(order=order, target=code, by=by, reason="changed their mind" if code == final else "")
    return order


@pytest.mark.parametrize("final", ["complete", "cancelled"])
def test_a_final_order_offers_no_task_form_and_no_warning_about_a_missing_next_step(client, shop, anna, final):
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="task-form"' in page and 'data-testid="add-task"' in page  # offered while open
    close(order, final, anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="task-form"' not in page and 'data-testid="add-task"' not in page
    assert 'data-testid="no-next-step"' not in page


@pytest.mark.parametrize("about_customer", ["", "on"])
@pytest.mark.parametrize("final", ["complete", "cancelled"])
def test_a_task_posted_by_hand_on_a_final_order_is_refused_and_nothing_is_saved(
    client, shop, anna, final, about_customer
):
    order = close(make_order(shop, manager=anna), final, anna)
    events = order.events.count()
    client.force_login(anna)
    due = timezone.localtime() + timedelta(hours=1)
    response = post_task(
        client, order, text="Call about a new order", due_at=due, assignee=anna, about=about_customer
    )
    assert [str(message) for message in response.context["messages"]] == [
        "The order is closed: it has no next step to plan."
    ]
    assert not Task.objects.exists() and order.events.count() == events


def test_the_service_refuses_a_persons_task_on_a_final_order(shop, anna):
    order = close(make_order(shop, manager=anna), "complete", anna)
    with pytest.raises(OrderError, match="The order is closed"):
        make_task(order, assignee=anna, due_at=timezone.now() + timedelta(hours=1))
    assert not Task.objects.exists()


def test_closing_the_last_task_asks_for_the_next_one(shop, anna):
    order = make_order(shop, manager=anna)
    first = make_task(order, assignee=anna, text="A")
    second = make_task(order, assignee=anna, text="B")
    assert task_complete(task=first, by=anna) is None  # another task is still open
    with pytest.raises(NextStepRequired):
        task_complete(task=second, by=anna)
    second.refresh_from_db()
    assert second.done_at is None  # nothing half-done
    due = timezone.now() + timedelta(days=1)
    following = task_complete(
        task=second,
        by=anna,
        next_step={"assignee": anna, "kind": "call", "text": "Confirm delivery", "due_at": due},
    )
    assert following.text == "Confirm delivery" and following.order == order
    assert task_complete(task=following, by=anna, without_next_step=True) is None


def test_closing_the_last_task_through_the_page_without_a_next_step_is_refused_with_a_clear_message(
    client, shop, anna
):
    order = make_order(shop, manager=anna)
    task = make_task(order, assignee=anna, text="A")
    client.force_login(anna)
    response = client.post(reverse("orders:task_done", args=[task.pk]), follow=True)
    assert "plan the next step" in response.content.decode()
    task.refresh_from_db()
    assert task.done_at is None
    response = client.post(
        reverse("orders:task_done", args=[task.pk]),
        {"next_kind": "call", "next_text": "Call about delivery", "next_due_at": ""},
        follow=True,
    )
    assert "both a description and a due time" in response.content.decode()
    assert order.tasks.count() == 1


def test_a_task_for_a_colleague_is_planned_from_the_order_page(client, shop, anna):
    grant(anna, shops=[shop])
    boris = manager(username="boris", first_name="Boris", last_name="Ivanov")
    grant(boris, shops=[shop])
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    due = timezone.localtime() + timedelta(hours=2)
    response = client.post(
        reverse("orders:task_create", args=[order.pk]),
        {"kind": "custom", "text": "Check stock", "due_at": f"{due:%Y-%m-%dT%H:%M}", "assignee": boris.pk},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.assignee, task.created_by, task.kind, task.order) == (boris, anna, "custom", order)
    assert order.events.filter(kind=OrderEvent.Kind.TASK, text__contains="for Boris Ivanov").exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "call", "text": "", "due_at": "2026-11-23T12:00"}, "Text: This field is required."),
        ({"kind": "call", "text": "Call", "due_at": "tomorrow"}, "Due at: Enter a valid date/time."),
        ({"kind": "call", "text": "Call", "due_at": "2020-01-01T10:00"}, "The due time is in the past"),
        ({"kind": "meeting", "text": "Call", "due_at": "2026-11-23T12:00"}, "Kind: Select a valid choice."),
    ],
)
def test_a_bad_task_gets_a_clear_error_and_nothing_is_saved(client, shop, anna, form, message):
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 0), tick=False):
        response = client.post(
            reverse("orders:task_create", args=[order.pk]), {**form, "assignee": anna.pk}, follow=True
        )
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_a_task_cannot_go_to_someone_outside_the_shop(client, shop, anna):
    outsider = manager(username="outsider")
    grant(outsider, shops=[ShopFactory()])
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    response = post_task(client, order, text="Call", due_at=timezone.localtime(), assignee=outsider)
    assert "Assignee: Select a valid choice." in response.content.decode()
    assert not Task.objects.exists()


def test_someone_who_cannot_see_the_order_cannot_close_its_task(client, shop, anna):
    order = make_order(shop, manager=anna)
    task = make_task(order, assignee=anna, text="A")
    stranger = manager(username="stranger")
    grant(stranger, shops=[ShopFactory()])
    client.force_login(stranger)
    assert client.post(reverse("orders:task_done", args=[task.pk]), {"without_next_step": "on"}).status_code == 404


def test_next_hands_a_due_call_then_an_overdue_order_then_the_oldest_untouched_new_order(shop, anna):
    with time_machine.travel(msk(2026, 11, 23, 10, 30), tick=False):
        overdue = make_order(shop, manager=anna)
        order_change_status(order=overdue, target="approval", by=anna)  # due at 11:30
    with time_machine.travel(msk(2026, 11, 23, 11, 57), tick=False):
        untouched_old = make_order(shop, manager=anna)
    with time_machine.travel(msk(2026, 11, 23, 11, 58), tick=False):
        make_order(shop, manager=anna)  # a newer untouched one
        worked = make_order(shop, manager=anna)
        order_record_call(order=worked, by=anna, outcome=CallOutcome.REACHED)
        called = make_order(shop, manager=anna)
        due = msk(2026, 11, 23, 12, 0)
        make_task(called, assignee=anna, due_at=due)
    with time_machine.travel(msk(2026, 11, 23, 12, 1), tick=False):
        assert orders_flag_overdue() == 1  # approval's hour ran out; the new orders still have time
        now = timezone.now()
        assert order_next_for_manager(user=anna, now=now).order == called
        Task.objects.update(done_at=now)
        assert order_next_for_manager(user=anna, now=now).order == overdue
        order_change_status(order=overdue, target="cancelled", by=anna, reason="duplicate")
        found = order_next_for_manager(user=anna, now=now)
    assert found.order == untouched_old and "nobody has called" in found.why


def test_next_with_nothing_urgent_says_so(client, anna):
    client.force_login(anna)
    response = client.get(reverse("orders:next"), follow=True)
    assert "Nothing urgent" in response.content.decode()


def test_the_call_script_beside_the_buttons_has_the_names_filled_in(client, shop, anna):
    CallScript.objects.create(
        shop=shop,
        greeting="Hello, this is {{ manager.name }} from {{ shop.name }}. "
        "May I speak to {{ customer.name }}? { } {1}",
    )
    order = make_order(shop, manager=anna, customer_name="Maria Volkova")
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f"Hello, this is Anna Smirnova from {shop.name}. May I speak to Maria Volkova? {{ }} {{1}}" in page


def test_a_script_saved_before_the_rule_that_does_not_render_tells_the_manager_instead_of_showing_braces(
    client, shop, anna
):
    CallScript.objects.create(shop=shop, greeting="May I speak to {{ customer.name ?")
    order = make_order(shop, manager=anna)
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "The script does not render: a {{ or {% is not closed." in page.replace("&#x27;", "'")
    assert "May I speak to {{ customer.name ?" not in page


def test_a_call_by_the_assigned_manager_counts_as_taking_up_the_order(shop):
    anna = free_manager(username="anna")
    order = make_order(shop)
    assert order.manager == anna
    order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert AssignmentDecision.objects.get(order=order).accepted_at is not None


def test_a_call_on_a_closed_order_is_refused(shop, anna):
    order = make_order(shop, manager=anna)
    order_change_status(order=order, target="cancelled", by=anna, reason="duplicate")
    with pytest.raises(OrderError):
        order_record_call(order=order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert not Order.objects.get(pk=order.pk).missed_calls


def test_the_queue_marks_open_orders_that_have_no_next_step(client, shop, anna):
    planned = make_order(shop, manager=anna)
    make_task(planned, assignee=anna)
    unplanned = make_order(shop, manager=anna)
    closed = make_order(shop, manager=anna)
    order_change_status(order=closed, target="cancelled", by=anna, reason="duplicate")
    client.force_login(anna)
    html = client.get(reverse("orders:list")).content.decode()
    rows = {number: row for row in html.split('data-testid="order-row"')[1:] for number in [row.split("</a>")[0]]}
    flagged = [number for number, row in rows.items() if "no-next-step-badge" in row]
    assert len(rows) == 3 and len(flagged) == 1 and flagged[0].endswith(unplanned.number)
