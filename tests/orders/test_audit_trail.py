"""The audit trail of the settings that shape the desk: who, when, the values before and after, for a status's
time limit and next statuses, the whole matrix, grants, routing quotas, ladder steps (deleted too), triggers;
an unchanged save writes nothing; admins read it and nobody edits it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from assignment.models import RoutingSettings
from orders.models import NoAnswerStep, SettingChange, Status
from tests.factories import ShopFactory, grant, manager
from tests.orders.test_admin_cannot_break_the_desk import change_status

pytestmark = pytest.mark.django_db


def last_change() -> SettingChange:
    return SettingChange.objects.latest("pk")


def test_a_status_time_limit_change_keeps_who_before_and_after(admin_client, admin_user):
    status = Status.objects.get(code="approval")
    assert change_status(admin_client, status, time_limit="2 h").status_code == 302
    change = last_change()
    assert (change.actor, change.action, change.model, change.object_repr) == (
        admin_user,
        "changed",
        "orders.status",
        "Approval",
    )
    assert (change.before, change.after) == ({"time_limit": "1 h"}, {"time_limit": "2 h"})


def test_a_status_saved_unchanged_writes_nothing(admin_client):
    change_status(admin_client, Status.objects.get(code="approval"))
    assert not SettingChange.objects.exists()


def test_the_next_statuses_changed_through_the_status_page_are_kept(admin_client):
    status = Status.objects.get(code="approval")
    data_changes = {"transitions_out-2-target": Status.objects.get(code="delivery").pk}
    change_status(admin_client, status, **data_changes)
    change = last_change()
    assert change.before == {"transitions_out": ["assembly", "cancelled"]}
    assert change.after == {"transitions_out": ["assembly", "cancelled", "delivery"]}


def test_the_matrix_page_keeps_the_whole_matrix_before_and_after(admin_client):
    new, approval = Status.objects.get(code="new"), Status.objects.get(code="approval")
    supervisors = Group.objects.get(name="Supervisor")
    admin_client.post(
        reverse("admin:orders_status_matrix"),
        {"step": [f"{new.pk}-{approval.pk}"], f"groups-{new.pk}-{approval.pk}": [supervisors.pk]},
    )
    change = last_change()
    assert change.object_repr == "The status matrix"
    assert change.after["new → approval"] == ["Supervisor"]
    assert change.before["new → approval"] == ["anyone working orders"]
    assert (
        change.before["approval → assembly"] == ["anyone working orders"]
        and change.after["approval → assembly"] is None
    )


def test_a_grant_change_keeps_the_shops_before_and_after(admin_client):
    anna = manager(username="anna")
    garden, gadgets = ShopFactory(code="garden"), ShopFactory(code="gadgets")
    access = grant(anna, shops=[garden])
    response = admin_client.post(
        reverse("admin:orders_accessgrant_change", args=[access.pk]),
        {
            "user": anna.pk,
            "shops": [garden.pk, gadgets.pk],
            **{flag: "on" for flag in ("all_order_types", "all_methods", "all_regions")},
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    change = last_change()
    assert change.before == {"shops": [garden.pk]} and change.after == {"shops": sorted([garden.pk, gadgets.pk])}


def test_a_quota_change_in_routing_settings_is_kept(admin_client):
    settings = RoutingSettings.load()
    data = {field: getattr(settings, field) for field in ("queue_priority",) if hasattr(settings, field)}
    form = admin_client.get(reverse("admin:assignment_routingsettings_change", args=[settings.pk]))
    assert form.status_code == 200
    fields = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and not hasattr(value, "pk")
    }
    fields.update(data)
    fields = {key: ("" if value is None else value) for key, value in fields.items()}
    from orders.durations import duration_label

    fields = {
        key: duration_label(value) if hasattr(value, "total_seconds") else value for key, value in fields.items()
    }
    fields["default_quota"] = 25
    response = admin_client.post(reverse("admin:assignment_routingsettings_change", args=[settings.pk]), fields)
    assert response.status_code == 302, response.content.decode()[:800]
    change = last_change()
    assert change.model == "assignment.routingsettings" and change.after["default_quota"] == 25


def test_a_deleted_ladder_step_keeps_what_it_was(admin_client):
    step = NoAnswerStep.objects.filter(outcome="no_answer").order_by("-miss").first()
    admin_client.post(reverse("admin:orders_noanswerstep_delete", args=[step.pk]), {"post": "yes"})
    change = last_change()
    assert change.action == "deleted" and change.before["miss"] == step.miss and change.after == {}


def test_a_trigger_created_in_admin_is_kept_with_its_values(admin_client):
    data = {
        "name": "Still new",
        "is_active": "on",
        "status": Status.objects.get(code="new").pk,
        "when": "stays",
        "after": "2 h",
        "times": "1",
        "notify": "supervisors",
        "task_kind": "call",
        "task_due_in": "1 h",
    }
    assert admin_client.post(reverse("admin:notifications_trigger_add"), data).status_code == 302
    change = last_change()
    assert (change.action, change.model, change.after["after"], change.after["notify"]) == (
        "created",
        "notifications.trigger",
        "2 h",
        "supervisors",
    )


def test_admins_read_the_trail_and_nobody_edits_it(admin_client):
    change_status(admin_client, Status.objects.get(code="approval"), time_limit="2 h")
    change = last_change()
    assert admin_client.get(reverse("admin:orders_settingchange_changelist")).status_code == 200
    assert (
        admin_client.post(
            reverse("admin:orders_settingchange_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SettingChange.objects.filter(pk=change.pk).exists()


def test_a_text_sent_back_with_the_browsers_line_endings_is_no_change(admin_client):
    from orders.models import CallScript

    shop = ShopFactory()
    script = CallScript.objects.create(shop=shop, greeting="Hello.\nMay I speak to {{ customer.name }}?")
    url = reverse("admin:orders_callscript_change", args=[script.pk])
    fields = {"shop": shop.pk, "reason": "", "questions": "", "terms": "", "objections": ""}
    # A browser sends a text box's lines with \r\n, whatever the row holds.
    same = admin_client.post(url, fields | {"greeting": "Hello.\r\nMay I speak to {{ customer.name }}?"})
    assert same.status_code == 302 and not SettingChange.objects.filter(model="orders.callscript").exists()
    admin_client.post(url, fields | {"greeting": "Hi.\r\nMay I speak to {{ customer.name }}?"})
    change = last_change()
    assert change.before == {"greeting": "Hello.\nMay I speak to {{ customer.name }}?"}
    assert change.after == {"greeting": "Hi.\nMay I speak to {{ customer.name }}?"}
