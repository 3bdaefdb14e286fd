"""Admin names staff as the desk does (`staff_name`: full name, else username), in list columns, in the choices
of a person and beside a raw id: never `manager1` on one screen and "Anna Petrova" on the next."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from assignment.models import AssignmentDecision, ManagerProfile
from orders.admin import PeopleByName
from orders.admin.people import names_a_person
from tests.factories import ShopFactory, free_manager, make_order, make_task

pytestmark = pytest.mark.django_db
OURS = {"orders", "assignment", "feedback", "notifications", "accounts"}


def test_every_admin_of_a_model_that_names_a_member_of_staff_names_them_by_name():
    user_model = get_user_model()
    naming_staff = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model is not user_model
        and model._meta.app_label in OURS
        and any(names_a_person(field) for field in model._meta.get_fields())
    ]
    assert naming_staff
    assert [type(a).__name__ for a in naming_staff if not isinstance(a, PeopleByName)] == []


@pytest.fixture
def anna(db):
    return free_manager(username="manager1", first_name="Anna", last_name="Petrova", shops=[ShopFactory()])


@pytest.mark.parametrize(
    "model",
    [ManagerProfile, AssignmentDecision, "orders.Order", "orders.Task", "orders.AccessGrant", "orders.Customer"],
)
def test_list_columns_show_the_full_name(admin_client, anna, model):
    order = make_order(anna.access_grant.shops.get(), manager=anna)
    make_task(order, assignee=anna)
    AssignmentDecision.objects.create(order=order, manager=anna, rule="taken")
    meta = model._meta if not isinstance(model, str) else admin.site._registry[_model(model)].model._meta
    html = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).content.decode()
    assert "Anna Petrova" in html and ">manager1<" not in html


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def test_a_person_to_choose_is_offered_by_name(admin_client, anna):
    html = admin_client.get(reverse("admin:notifications_trigger_add")).content.decode()
    assert f'<option value="{anna.pk}">Anna Petrova</option>' in html


def test_a_person_the_form_only_shows_is_shown_by_name(admin_client, anna):
    order = make_order(anna.access_grant.shops.get(), manager=anna)
    html = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    manager = html.split('class="form-row field-manager')[1].split("</div>\n</div>")[0]
    assert "Anna Petrova" in manager and "manager1" not in manager
    assert 'name="manager"' not in html  # still not editable here


def test_a_raw_id_box_names_the_person_beside_it(admin_client, anna):
    profile = ManagerProfile.objects.get(user=anna)
    html = admin_client.get(reverse("admin:assignment_managerprofile_change", args=[profile.pk])).content.decode()
    assert "<strong>Anna Petrova</strong>" in html or ">Anna Petrova</a>" in html
    assert ">manager1<" not in html


def test_a_record_admin_only_reads_names_the_people_on_it_by_name(admin_client, anna):
    from feedback.models import RatingCredit
    from feedback.services import claim_open
    from tests.factories import grant, inspector

    shop = anna.access_grant.shops.get()
    igor = inspector(username="inspector7", first_name="Igor", last_name="Petrov")
    grant(igor, shops=[shop])
    order = make_order(shop, manager=anna)
    decision = AssignmentDecision.objects.create(order=order, manager=anna, rule="taken")
    credit = RatingCredit.objects.create(
        order=order, user=anna, rating=4, rated_at=order.created_at, completed_at=order.created_at
    )
    claim = claim_open(order=order, reason="Broken")
    claim.events.create(kind="note", actor=igor, text="Called the customer")

    pages = {
        "decision": reverse("admin:assignment_assignmentdecision_change", args=[decision.pk]),
        "credit": reverse("admin:feedback_ratingcredit_change", args=[credit.pk]),
        "claim": reverse("admin:feedback_claim_change", args=[claim.pk]),
    }
    for what, url in pages.items():
        html = admin_client.get(url).content.decode()
        assert ">manager1<" not in html and "for manager1" not in html and ">inspector7<" not in html, what
        assert ("Igor Petrov" if what == "claim" else "Anna Petrova") in html, what
