"""Whatever the admin types, a setting that saves never breaks an order: nonsense is refused with a clear error
(in admin, in forms and in the shell), the form keeps what was typed, and a change to a status's clock carries
its open orders along."""

import html
import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assignment.models import RoutingSettings
from orders.durations import duration_label, duration_parse
from orders.models import CallScript, NoAnswerStep, Order, Status, StatusTransition
from orders.services import order_change_status, orders_flag_overdue
from tests.factories import CustomerFactory, ShopFactory, make_order, msk

pytestmark = pytest.mark.django_db


def status_form(status: Status, **changes) -> dict:
    """The admin's status change form as posted, with its inline of next statuses."""
    steps = list(status.transitions_out.all())
    data = {
        "code": status.code,
        "name": status.name,
        "group": status.group,
        "position": status.position,
        "colour": status.colour,
        "time_limit": duration_label(status.time_limit),
        "is_final": "on" if status.is_final else "",
        "transitions_out-TOTAL_FORMS": len(steps) + 1,
        "transitions_out-INITIAL_FORMS": len(steps),
        "transitions_out-MIN_NUM_FORMS": 0,
        "transitions_out-MAX_NUM_FORMS": 1000,
    }
    for n, step in enumerate(steps):
        data |= {
            f"transitions_out-{n}-id": step.pk,
            f"transitions_out-{n}-source": status.pk,
            f"transitions_out-{n}-target": step.target_id,
        }
    data |= {f"transitions_out-{len(steps)}-source": status.pk, f"transitions_out-{len(steps)}-target": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def change_status(admin_client, status, **changes):
    return admin_client.post(
        reverse("admin:orders_status_change", args=[status.pk]), status_form(status, **changes)
    )


def test_a_step_from_a_status_to_itself_is_a_form_error_not_a_crash(admin_client):
    new = Status.objects.get(code="new")
    steps = new.transitions_out.count()
    response = change_status(admin_client, new, **{f"transitions_out-{steps}-target": new.pk})
    assert response.status_code == 200
    assert "A status cannot lead to itself" in response.content.decode()
    assert not StatusTransition.objects.filter(source=new, target=new).exists()


def test_the_shell_refuses_a_step_from_a_status_to_itself_too():
    new = Status.objects.get(code="new")
    with pytest.raises(ValidationError, match="cannot lead to itself"):
        StatusTransition(source=new, target=new).full_clean()


@pytest.mark.parametrize("typed", ["-5 min", "0 min", "soon"])
def test_a_status_time_limit_must_be_a_positive_duration_and_the_form_keeps_the_input(admin_client, typed):
    new = Status.objects.get(code="new")
    response = change_status(admin_client, new, time_limit=typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist' in page and f'value="{typed}"' in page
    new.refresh_from_db()
    assert new.time_limit == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (lambda: Status.objects.get(code="new"), "time_limit", timedelta(minutes=-10)),
        (lambda: RoutingSettings.load(), "acceptance_timeout", timedelta(minutes=-1)),
        (lambda: RoutingSettings.load(), "acceptance_timeout", timedelta(0)),
        (lambda: RoutingSettings.load(), "sticky_wait", timedelta(minutes=-1)),
        (lambda: RoutingSettings.load(), "queue_alert_after", timedelta(0)),
        (lambda: NoAnswerStep.objects.get(outcome="no_answer", miss=1), "retry_after", timedelta(minutes=-5)),
        (lambda: NoAnswerStep.objects.get(outcome="no_answer", miss=1), "retry_after", timedelta(0)),
    ],
)
def test_the_models_refuse_durations_that_are_not_positive(model, field, value):
    obj = model()
    setattr(obj, field, value)
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    assert field in refused.value.message_dict


def test_an_empty_acceptance_timeout_still_means_never():
    from assignment.services import assignments_expire
    from tests.factories import free_manager

    settings = RoutingSettings.load()
    settings.acceptance_timeout = None
    settings.full_clean()  # empty is a valid setting, not refused
    settings.save()
    anna = free_manager(username="anna")
    order = make_order(ShopFactory(always_open=True))
    assert order.manager == anna
    decision = order.assignment_decisions.get()
    assert decision.accept_by is None  # no moment to time out at
    # A month untouched later, the sweep still leaves the order with Anna.
    assert assignments_expire(now=timezone.now() + timedelta(days=30)) == 0
    order.refresh_from_db()
    decision.refresh_from_db()
    assert order.manager == anna and decision.timed_out_at is None


def test_routing_settings_refuse_a_negative_timeout_in_admin_and_keep_the_input(admin_client):
    settings = RoutingSettings.load()
    response = admin_client.post(
        reverse("admin:assignment_routingsettings_change", args=[settings.pk]),
        {
            "default_quota": 10,
            "queue_priority": "oldest",
            "sticky_wait": "10 min",
            "acceptance_timeout": "-5 min",
            "timeout_cooloff": "30 min",
            "queue_alert_after": "10 min",
            "conversation_weight": "0.5",
        },
    )
    assert response.status_code == 200 and "cannot be negative" in response.content.decode()
    assert 'value="-5 min"' in response.content.decode()
    settings.refresh_from_db()
    assert settings.acceptance_timeout == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3 days", timedelta(days=3)), ("2 h", timedelta(hours=2)), ("30 min", timedelta(minutes=30))],
)
def test_durations_are_shown_and_typed_as_people_say_them(admin_client, typed, expected):
    new = Status.objects.get(code="new")
    assert change_status(admin_client, new, time_limit=typed).status_code == 302
    new.refresh_from_db()
    assert new.time_limit == expected
    page = admin_client.get(reverse("admin:orders_status_change", args=[new.pk])).content.decode()
    assert f'value="{typed}"' in page
    assert duration_parse(duration_label(expected)) == expected


def test_a_final_status_cannot_keep_next_statuses():
    complete = Status.objects.get(code="complete")
    with pytest.raises(ValidationError, match="final: no step may leave a final status"):
        StatusTransition(source=complete, target=Status.objects.get(code="new")).full_clean()
    approval = Status.objects.get(code="approval")
    approval.is_final = True
    with pytest.raises(ValidationError, match="a final status has none"):
        approval.full_clean()


def test_ticking_final_on_a_status_with_next_statuses_is_refused_in_admin_with_the_reason(admin_client):
    approval = Status.objects.get(code="approval")
    response = change_status(admin_client, approval, is_final="on")
    assert response.status_code == 200
    assert "Approval is final: no step may leave a final status." in response.content.decode()
    approval.refresh_from_db()
    assert not approval.is_final


def test_ticking_final_while_deleting_its_next_statuses_saves_in_one_go(admin_client):
    pickup = Status.objects.get(code="pickup")
    data = status_form(pickup, is_final="on")
    for n in range(pickup.transitions_out.count()):
        data[f"transitions_out-{n}-DELETE"] = "on"
    response = admin_client.post(reverse("admin:orders_status_change", args=[pickup.pk]), data)
    assert response.status_code == 302
    pickup.refresh_from_db()
    assert pickup.is_final and not pickup.transitions_out.exists()


def test_a_new_time_limit_carries_the_open_orders_in_the_status(admin_client):
    shop = ShopFactory(always_open=True)
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order(shop)
    with time_machine.travel(msk(2026, 11, 23, 12, 10), tick=False):
        orders_flag_overdue()
        order.refresh_from_db()
        assert order.is_overdue  # 5 minutes, long gone
        response = change_status(admin_client, Status.objects.get(code="new"), time_limit="1 h")
        assert response.status_code == 302
    order.refresh_from_db()
    assert order.deadline == msk(2026, 11, 23, 13, 0) and not order.is_overdue
    assert order.is_final is False


def test_a_status_made_final_closes_its_open_orders_clocks(admin_client):
    order = make_order(ShopFactory(always_open=True))
    Order.objects.filter(pk=order.pk).update(status_entered_at=timezone.now())  # the clock is running
    pickup = Status.objects.get(code="pickup")
    StatusTransition.objects.filter(source=pickup).delete()
    StatusTransition.objects.create(source=Status.objects.get(code="new"), target=pickup)
    order_change_status(order=order, target="pickup", by=None)
    response = change_status(admin_client, pickup, is_final="on")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.is_final and order.deadline is None and not order.is_overdue


def test_ladder_steps_are_numbered_without_a_gap_and_deleting_one_closes_it(admin_client):
    last = NoAnswerStep.objects.filter(outcome="no_answer").order_by("miss").last()
    gap = NoAnswerStep(miss=last.miss + 2, retry_after=timedelta(hours=1))
    with pytest.raises(ValidationError, match=f"the next one is {last.miss + 1}"):
        gap.full_clean()
    response = admin_client.post(
        reverse("admin:orders_noanswerstep_add"),
        {"outcome": "no_answer", "miss": last.miss + 2, "retry_after": "1 h"},
    )
    assert response.status_code == 200 and "no gap" in response.content.decode()
    second = NoAnswerStep.objects.get(outcome="no_answer", miss=2)
    admin_client.post(reverse("admin:orders_noanswerstep_delete", args=[second.pk]), {"post": "yes"})
    assert list(
        NoAnswerStep.objects.filter(outcome="no_answer").order_by("miss").values_list("miss", flat=True)
    ) == [1, 2, 3]
    assert [
        duration_label(step.retry_after)
        for step in NoAnswerStep.objects.filter(outcome="no_answer").order_by("miss")
    ] == [
        "5 min",
        "3 h",
        "1 day",
    ]


@pytest.mark.parametrize(
    ("greeting", "error"),
    [
        (
            "Hello {{ client.name }}, this is {{ manager.name }}",
            "uses something that does not exist: {{ client.name }}",
        ),
        ("Hello {{ customer.name , this is {{ manager.name }}", "does not render"),
        ("Hello {{ customer.name }", "does not render: a {{ or {% is not closed."),
        ("Hello {% if customer %}dear customer", "does not render"),
        ("Hello {customer, this is {{ manager.name }}", "“{customer”, which is shown as written"),
        ("Hello {{ customer.name }}, this is {manager}", "write {{ manager.name }}"),
    ],
)
def test_a_call_script_that_does_not_render_is_refused_and_keeps_what_was_typed(admin_client, greeting, error):
    shop = ShopFactory()
    response = admin_client.post(
        reverse("admin:orders_callscript_add"),
        {"shop": shop.pk, "greeting": greeting, "reason": "", "questions": ""},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and error in page
    assert greeting in page  # what was typed is kept
    assert not CallScript.objects.exists()


def test_a_call_script_renders_the_names_and_leaves_other_braces_alone():
    script = CallScript(
        shop=ShopFactory(name="Green Garden"),
        greeting="Braces { } and {1} stay as they are, {{ customer.name }}, says {{ manager.name }} of "
        "{{ shop.name }}.",
    )
    script.full_clean()
    customer = CustomerFactory(name="Olga")
    context = {"customer": customer, "shop": script.shop, "manager": {"name": "Anna"}, "order": None}
    assert script.filled(context) == [
        ("Greeting", "Braces { } and {1} stay as they are, Olga, says Anna of Green Garden.")
    ]


def test_existing_call_scripts_move_to_the_template_syntax_and_back():
    migration = importlib.import_module("orders.migrations.0018_call_scripts_in_template_syntax")
    old = "Hello {customer}, this is {manager} from {shop}. Braces { } {1} {customer"
    script = CallScript.objects.create(shop=ShopFactory(), greeting=old, terms="{shop}")
    migration.forwards(django_apps, None)
    script.refresh_from_db()
    assert script.greeting == (
        "Hello {{ customer.name }}, this is {{ manager.name }} from {{ shop.name }}. Braces { } {1} {customer"
    )
    assert script.terms == "{{ shop.name }}"
    migration.forwards(django_apps, None)  # run again: already converted text is left alone
    assert CallScript.objects.get().terms == "{{ shop.name }}"
    migration.backwards(django_apps, None)
    assert CallScript.objects.get().greeting == old


def test_the_matrix_page_saves_the_whole_matrix_in_one_go(admin_client):
    url = reverse("admin:orders_status_matrix")
    page = admin_client.get(url).content.decode()
    assert 'data-testid="matrix"' in page and "final: no next step" in page
    new, approval, cancelled = (Status.objects.get(code=code) for code in ("new", "approval", "cancelled"))
    supervisors = Group.objects.get(name="Supervisor")
    response = admin_client.post(
        url,
        {
            "step": [f"{new.pk}-{approval.pk}", f"{approval.pk}-{cancelled.pk}"],
            f"groups-{approval.pk}-{cancelled.pk}": [supervisors.pk],
        },
    )
    assert response.status_code == 302
    assert set(StatusTransition.objects.values_list("source__code", "target__code")) == {
        ("new", "approval"),
        ("approval", "cancelled"),
    }
    step = StatusTransition.objects.get(source=approval, target=cancelled)
    assert list(step.groups.all()) == [supervisors]


def test_the_matrix_page_refuses_nonsense_and_saves_nothing(admin_client):
    before = set(StatusTransition.objects.values_list("pk", flat=True))
    new, complete = Status.objects.get(code="new"), Status.objects.get(code="complete")
    response = admin_client.post(
        reverse("admin:orders_status_matrix"), {"step": [f"{new.pk}-{complete.pk}", f"{complete.pk}-{new.pk}"]}
    )
    assert response.status_code == 200
    assert "Complete → New" in response.content.decode() and "final" in response.content.decode()
    assert set(StatusTransition.objects.values_list("pk", flat=True)) == before


def test_a_status_orders_are_in_cannot_be_deleted_and_the_page_names_them(admin_client):
    order = make_order()
    approval = Status.objects.get(code="approval")
    order_change_status(order=order, target="approval", by=None)
    order.refresh_from_db()

    page = admin_client.post(reverse("admin:orders_status_delete", args=[approval.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:orders_status_changelist"),
        {"action": "delete_selected", "_selected_action": [approval.pk], "post": "yes"},
    )

    assert Status.objects.filter(pk=approval.pk).exists()
    assert f"{order} (in approval)" in page.content.decode()
    assert f"{order} (in approval)" in bulk.content.decode()


def test_a_status_no_order_is_in_can_still_be_deleted(admin_client):
    spare = Status.objects.create(code="spare", name="Spare", group="approval", position=99)

    admin_client.post(reverse("admin:orders_status_delete", args=[spare.pk]), {"post": "yes"})

    assert not Status.objects.filter(pk=spare.pk).exists()


def routing_form(**changes) -> dict:
    return {
        "default_quota": 10,
        "queue_priority": "oldest",
        "sticky_wait": "10 min",
        "acceptance_timeout": "5 min",
        "timeout_cooloff": "30 min",
        "queue_alert_after": "10 min",
        "conversation_weight": "0.5",
    } | changes


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("acceptance_timeout", "3000000 days"),
        ("sticky_wait", "367 days"),
        ("queue_alert_after", "999999999999 days"),
        ("timeout_cooloff", "99999999999999999999 min"),
    ],
)
def test_a_time_in_admin_longer_than_a_year_is_refused_and_kept(admin_client, field, typed):
    settings = RoutingSettings.load()
    before = {name: getattr(settings, name) for name in routing_form()}

    response = admin_client.post(
        reverse("admin:assignment_routingsettings_change", args=[settings.pk]), routing_form(**{field: typed})
    )

    assert response.status_code == 200
    assert "Make it at most 366 days" in response.content.decode()
    assert f'value="{typed}"' in response.content.decode()
    settings.refresh_from_db()
    assert {name: getattr(settings, name) for name in before} == before


def test_a_year_in_admin_is_accepted_and_a_new_order_is_still_routed(admin_client):
    settings = RoutingSettings.load()
    response = admin_client.post(
        reverse("admin:assignment_routingsettings_change", args=[settings.pk]),
        routing_form(acceptance_timeout="366 days", sticky_wait="366 days"),
    )
    assert response.status_code == 302

    order = make_order()

    assert Order.objects.filter(pk=order.pk).exists()
    settings.refresh_from_db()
    assert settings.acceptance_timeout == timedelta(days=366)


def test_a_shops_hours_are_typed_on_the_shops_clock_without_the_browsers_now(admin_client):
    shop = ShopFactory(timezone="Asia/Yekaterinburg", always_open=False)

    page = admin_client.get(reverse("admin:orders_shop_change", args=[shop.pk])).content.decode()

    opens = (
        page.split('name="opens_at"')[0].rsplit("<input", 1)[1] + page.split('name="opens_at"')[1].split(">")[0]
    )
    assert 'value="09:00"' in opens and "vTimeField" not in opens  # the class admin's "Now" clock hangs on
    assert "In the shop's time zone" in page


def test_a_step_only_inspectors_may_take_is_refused_on_the_status_page(admin_client):
    approval = Status.objects.get(code="approval")
    steps = list(approval.transitions_out.all())
    n = next(n for n, step in enumerate(steps) if step.target.code == "assembly")
    inspectors = Group.objects.get(name="Inspector")

    response = change_status(admin_client, approval, **{f"transitions_out-{n}-groups": [inspectors.pk]})

    page = response.content.decode()
    assert response.status_code == 200 and "Select a valid choice" in page
    assert not steps[n].groups.filter(pk=inspectors.pk).exists()
    offered = page.split(f'id="id_transitions_out-{n}-groups"')[1].split("</select>")[0]
    assert f'value="{inspectors.pk}"' not in offered and "Manager" in offered


def test_a_second_status_of_the_same_name_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:orders_status_add"),
        {
            "code": "hold",
            "name": "new ",
            "group": "approval",
            "position": 80,
            "colour": "#ff0000",
            "transitions_out-TOTAL_FORMS": 0,
            "transitions_out-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200 and "A status is already called new" in response.content.decode()
    assert not Status.objects.filter(code="hold").exists()


@pytest.mark.parametrize("typed", ["1 s", "59 s"])
def test_an_acceptance_timeout_no_one_could_meet_is_refused_and_kept(admin_client, typed):
    settings = RoutingSettings.load()

    response = admin_client.post(
        reverse("admin:assignment_routingsettings_change", args=[settings.pk]),
        routing_form(acceptance_timeout=typed),
    )

    assert (
        response.status_code == 200 and "Make it at least 1 min, or empty for never." in response.content.decode()
    )
    assert f'value="{typed}"' in response.content.decode()
    settings.refresh_from_db()
    assert settings.acceptance_timeout == timedelta(minutes=5)


@pytest.mark.parametrize("typed", ["-1", "0"])
def test_a_number_below_its_bound_gets_the_same_message_however_far_below(admin_client, typed):
    from notifications.models import MessagingSettings

    url = reverse("admin:notifications_messagingsettings_change", args=[MessagingSettings.load().pk])

    response = admin_client.post(url, {"daily_cap": typed, "max_attempts": "6", "first_retry": "1 min"})

    page = response.content.decode()
    assert response.status_code == 200 and "Ensure this value is greater than or equal to 1." in page
    assert "greater than or equal to 0." not in page and 'min="1"' in page


def test_a_task_on_another_customers_order_or_for_someone_who_works_no_orders_is_refused(admin_client):
    from orders.models import Task
    from tests.factories import free_manager, inspector

    shop = ShopFactory()
    anna = free_manager(shops=[shop])
    igor = inspector(first_name="Igor", last_name="Petrov")
    order, other = make_order(shop), make_order(shop)
    typed = {
        "customer": other.customer.pk,
        "order": order.pk,
        "assignee": igor.pk,
        "kind": "call",
        "text": "Call about the hose",
        "due_at_0": "2026-12-08",
        "due_at_1": "10:00",
    }

    response = admin_client.post(reverse("admin:orders_task_add"), typed)

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"{order} is another customer's" in page and "Igor Petrov works no orders" in page
    assert 'value="Call about the hose"' in page
    assert not Task.objects.exists()
    fixed = typed | {"customer": order.customer.pk, "assignee": anna.pk}
    assert admin_client.post(reverse("admin:orders_task_add"), fixed).status_code == 302
