"""A customer's data on request: the export holds everything the desk has about them (details, orders, history,
tasks, messages, feedback); anonymising replaces who they are and keeps the orders and figures; both are in the
audit trail; inspectors see phones masked in the order list."""

import json

import pytest
from django.urls import reverse

from feedback.models import FeedbackReply, FeedbackRequest
from notifications.models import InboundMessage, OutboundMessage
from orders.models import Customer, Order, SettingChange
from orders.services import customer_anonymise, customer_export
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    shop = ShopFactory(always_open=True)
    anna = free_manager(shops=[shop])
    order = make_order(shop, phone="+79161112233", customer_name="Olga Petrova", manager=anna)
    Order.objects.filter(pk=order.pk).update(delivery_address="Moscow, Arbat 5, flat 12")
    make_task(order, assignee=anna, text="Call Olga about the delivery")
    OutboundMessage.objects.create(
        customer=order.customer, order=order, channel="sms", purpose="manual", to="+79161112233", body="Hello Olga"
    )
    InboundMessage.objects.create(
        message_sid="SM1",
        channel="sms",
        from_address="+79161112233",
        body="My flat is 12",
        customer=order.customer,
    )
    request = FeedbackRequest.objects.create(
        order=order, customer=order.customer, due_at=order.created_at, rating=2
    )
    FeedbackReply.objects.create(request=request, text="The box was wet", source="sms", outcome="inspector")
    return order


def test_the_export_holds_everything_about_the_customer(order, admin_user):
    data = customer_export(customer=order.customer, by=admin_user)
    text = json.dumps(data)
    for expected in (
        "Olga Petrova",
        "+79161112233",
        "Arbat 5",
        "Call Olga",
        "Hello Olga",
        "My flat is 12",
        "The box was wet",
        order.number,
    ):
        assert expected in text, expected
    assert set(data) >= {"customer", "orders", "tasks", "messages", "feedback", "history_of_details"}
    assert SettingChange.objects.get(action="exported").object_id == str(order.customer.pk)


def test_anonymising_replaces_who_they_are_and_keeps_the_orders_and_figures(order, admin_user):
    total = order.total
    customer_anonymise(customer=order.customer, by=admin_user)
    customer = Customer.objects.get(pk=order.customer.pk)
    assert customer.name == f"Anonymised customer {customer.pk}" and customer.phone == ""
    assert customer.email.endswith("@example.invalid")
    order.refresh_from_db()
    assert (order.total, order.number, order.delivery_address) == (total, order.number, "")
    text = json.dumps(customer_export(customer=customer, by=admin_user))
    for gone in ("Olga Petrova", "+79161112233", "Arbat 5", "Hello Olga", "My flat is 12", "The box was wet"):
        assert gone not in text, gone
    assert FeedbackRequest.objects.get().rating == 2  # the figure stays
    change = SettingChange.objects.get(action="anonymised")
    assert change.actor == admin_user and "Olga" not in json.dumps(change.before)


def test_the_admin_exports_one_customer_as_a_json_file_and_anonymises(admin_client, order):
    url = reverse("admin:orders_customer_changelist")
    response = admin_client.post(url, {"action": "export_data", "_selected_action": [order.customer.pk]})
    assert response["Content-Type"] == "application/json"
    assert "Olga Petrova" in json.loads(response.content)["customer"]["name"]
    admin_client.post(url, {"action": "anonymise", "_selected_action": [order.customer.pk]})
    assert Customer.objects.get(pk=order.customer.pk).phone == ""


def test_inspectors_see_phones_masked_in_the_order_list_others_in_full(client, order):
    checker = inspector()
    grant(checker, shops=[order.shop])
    client.force_login(checker)
    html = client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    assert "+7916•••••33" in html and "+79161112233" not in html.split("<main")[1]
    client.force_login(order.manager)
    assert "+79161112233" in client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
