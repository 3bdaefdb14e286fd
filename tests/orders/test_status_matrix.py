import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from orders.exceptions import StaleOrder, StatusChangeRefused
from orders.history import StatusChange
from orders.models import Order, OrderEvent, Status, StatusTransition
from orders.services import order_change_status
from tests.factories import UserFactory, grant, make_order, manager, supervisor

pytestmark = pytest.mark.django_db


def test_default_pipeline_ships_with_its_matrix():
    codes = list(Status.objects.values_list("code", flat=True))
    assert codes == ["new", "approval", "assembly", "delivery", "pickup", "complete", "cancelled"]
    assert Status.objects.get(code="new").time_limit.total_seconds() == 300
    assert StatusTransition.objects.filter(source__code="new", target__code="approval").exists()
    assert not StatusTransition.objects.filter(source__code="new", target__code="complete").exists()
    open_codes = set(Status.objects.filter(is_final=False).values_list("code", flat=True))
    assert set(
        StatusTransition.objects.filter(target__code="cancelled").values_list("source__code", flat=True)
    ) == (open_codes)


def test_a_step_in_the_matrix_moves_the_order_and_records_history():
    user = manager()
    order = make_order(manager=user)
    order_change_status(order=order, target="approval", by=user)
    order.refresh_from_db()
    assert order.status == "approval"
    event = order.events.get(kind=OrderEvent.Kind.STATUS)
    assert event.actor == user and StatusChange.of(event) == StatusChange("new", "approval", reason="")


def test_new_to_complete_is_refused_and_nothing_changes():
    order = make_order()
    with pytest.raises(StatusChangeRefused, match="does not allow New → Complete"):
        order_change_status(order=order, target="complete", by=manager())
    order.refresh_from_db()
    assert order.status == "new"
    assert not order.events.filter(kind=OrderEvent.Kind.STATUS).exists()


def test_the_admin_can_open_a_new_step_in_the_matrix():
    StatusTransition.objects.create(
        source=Status.objects.get(code="new"), target=Status.objects.get(code="complete")
    )
    order = make_order()
    order_change_status(order=order, target="complete", by=None)
    assert order.status == "complete" and order.is_final and order.deadline is None


def test_assigning_the_status_directly_is_impossible():
    order = make_order()
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        order.status = "complete"
    order.save()
    order.refresh_from_db()
    assert order.status == "new"


def test_bulk_updates_cannot_set_the_status():
    order = make_order()
    with pytest.raises(TransitionNotAllowed):
        Order.objects.filter(pk=order.pk).update(status="complete")
    with pytest.raises(TransitionNotAllowed), transaction.atomic():
        Order.objects.bulk_update([order], ["status"])
    order.refresh_from_db()
    assert order.status == "new"


def test_a_step_limited_to_a_group_refuses_other_roles():
    step = StatusTransition.objects.get(source__code="new", target__code="approval")
    step.groups.set([Group.objects.get(name="Supervisor")])
    order = make_order()
    with pytest.raises(StatusChangeRefused, match="Your role may not"):
        order_change_status(order=order, target="approval", by=manager())
    order_change_status(order=order, target="approval", by=supervisor())
    assert order.status == "approval"


def test_a_stale_page_cannot_override_a_colleagues_change():
    order = make_order()
    order_change_status(order=order, target="approval", by=manager())
    with pytest.raises(StaleOrder):
        order_change_status(order=order, target="cancelled", by=manager(), expected_status="new", reason="x")
    order.refresh_from_db()
    assert order.status == "approval"


def test_two_copies_of_one_order_cannot_both_change_it():
    order = make_order()
    first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
    order_change_status(order=first, target="approval", by=manager())
    with pytest.raises(StaleOrder, match="same moment"):
        order_change_status(order=second, target="cancelled", by=manager(), reason="duplicate")
    order.refresh_from_db()
    assert order.status == "approval"
    assert order.events.filter(kind=OrderEvent.Kind.STATUS).count() == 1


def test_cancelling_by_a_person_needs_a_reason_that_stays_on_the_order():
    order = make_order()
    with pytest.raises(StatusChangeRefused, match="reason"):
        order_change_status(order=order, target="cancelled", by=manager())
    order_change_status(order=order, target="cancelled", by=manager(), reason="Customer changed mind")
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "Customer changed mind"
    assert order.events.get(kind=OrderEvent.Kind.STATUS).text == "Status New → Cancelled: Customer changed mind"


def test_order_page_offers_exactly_the_allowed_next_statuses(client):
    user = manager()
    order = make_order(manager=user)
    client.force_login(user)
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    offered = {
        code for code in Status.objects.values_list("code", flat=True) if f'name="target" value="{code}"' in html
    }
    assert offered == {"approval", "cancelled"}


@pytest.mark.parametrize(
    ("target", "message", "status_after"),
    [("complete", "does not allow New → Complete", "new"), ("approval", "moved to Approval", "approval")],
)
def test_the_status_form_moves_only_along_the_matrix_and_says_what_happened(client, target, message, status_after):
    user = manager()
    order = make_order(manager=user)
    client.force_login(user)
    response = client.post(
        reverse("orders:status", args=[order.pk]), {"target": target, "expected_status": "new"}, follow=True
    )
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.status == status_after


def test_the_admin_cannot_edit_the_status(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    order = make_order()
    client.force_login(admin_user)
    url = reverse("admin:orders_order_change", args=[order.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "status": "complete",
            "comment": "edited",
            "region": "",
            "delivery_address": "",
            "tracking_code": "",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )
    order.refresh_from_db()
    assert order.status == "new"
    assert order.comment == "edited"


def test_history_is_append_only():
    order = make_order()
    event = order.events.first()
    event.text = "rewritten"
    with pytest.raises(ValidationError, match="append-only"):
        event.save()
    with pytest.raises(ValidationError, match="append-only"):
        event.delete()
    assert order.events.get(pk=event.pk).text.startswith("Order received")


def test_managers_have_no_way_to_delete_orders_or_customers(client):
    user = manager()
    order = make_order(manager=user)
    grant(user, shops=[order.shop])
    client.force_login(user)
    assert client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 302  # to admin login
    client.post(reverse("admin:orders_order_delete", args=[order.pk]), {"post": "yes"})
    assert Order.objects.filter(pk=order.pk).exists()


@pytest.mark.parametrize("model", ["order", "customer"])
def test_even_staff_with_every_orders_permission_cannot_delete_orders_or_customers(client, model):
    """Only a superuser erases orders and customers, whatever permissions a staff account is given."""
    user = manager(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="orders"))
    order = make_order()
    target = order if model == "order" else order.customer
    client.force_login(user)
    change_page = client.get(reverse(f"admin:orders_{model}_change", args=[target.pk])).content.decode()
    assert reverse(f"admin:orders_{model}_delete", args=[target.pk]) not in change_page
    assert (
        client.post(reverse(f"admin:orders_{model}_delete", args=[target.pk]), {"post": "yes"}).status_code == 403
    )
    assert type(target).objects.filter(pk=target.pk).exists()
