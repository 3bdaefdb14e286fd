"""The customer page: their orders in the shop (within the viewer's scope), tasks, calls, details with history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Customer, CustomerEvent
from orders.services import order_record_call
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order, make_task, manager, supervisor

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, name="Green Garden")


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Anna", last_name="S", shops=[shop])


@pytest.fixture
def maria(shop, anna):
    order = make_order(shop, phone=PHONE, customer_name="Maria Volkova")
    make_task(order, assignee=anna, text="Ask about the hose length", kind="custom")
    order_record_call(order=order, by=anna, outcome="reached")
    return order.customer


def page_of(client, customer, **params):
    return client.get(reverse("orders:customer", args=[customer.pk]), params)


def test_the_page_shows_the_customers_orders_tasks_and_calls_and_is_linked_from_the_order(client, anna, maria):
    client.force_login(anna)
    order = maria.orders.get()
    order_page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert reverse("orders:customer", args=[maria.pk]) in order_page
    html = page_of(client, maria).content.decode()
    assert order.number in html and "Call: reached" in html and "Ask about the hose length" in html
    assert 'data-testid="total">1<' in html


def test_a_customer_of_a_shop_not_granted_is_404(client, maria):
    outsider = manager()
    grant(outsider, shops=[ShopFactory()])
    client.force_login(outsider)
    assert page_of(client, maria).status_code == 404


def test_the_page_costs_the_same_queries_with_10_and_200_orders(client, shop, anna, maria):
    client.force_login(supervisor())

    def queries() -> int:
        page_of(client, maria)
        with CaptureQueriesContext(connection) as ctx:
            assert page_of(client, maria).status_code == 200
        return len(ctx)

    for _ in range(9):
        make_order(shop, phone=PHONE)
    small = queries()
    for _ in range(190):
        make_order(shop, phone=PHONE)
    assert queries() == small


def test_editing_details_keeps_history_and_a_phone_of_another_customer_is_refused(client, shop, anna, maria):
    make_order(shop, phone="+79160000001", customer_name="Pavel Lebedev")
    client.force_login(anna)
    url = reverse("orders:customer_edit", args=[maria.pk])
    response = client.post(url, {"name": "Maria Volkova", "phone": "8 916 000-00-01", "email": ""})
    assert response.status_code == 400 and "phone" in response.content.decode().lower()
    assert 'value="8 916 000-00-01"' in response.content.decode()  # what was typed is kept
    client.post(
        url, {"name": "Maria V. Volkova", "phone": "8 916 765-43-21", "email": "maria@example.com", "is_vip": "on"}
    )
    maria.refresh_from_db()
    assert (maria.name, maria.phone, maria.email, maria.is_vip) == (
        "Maria V. Volkova",
        "+79167654321",
        "maria@example.com",
        True,
    )
    assert sorted(CustomerEvent.objects.filter(customer=maria).values_list("text", flat=True)) == [
        "Email: — → maria@example.com",
        "Name: Maria Volkova → Maria V. Volkova",
        "Phone: +79161234567 → +79167654321",
        "VIP: no → yes",
    ]


def test_only_supervisors_name_the_responsible_manager(client, shop, anna, maria):
    boris = free_manager(username="boris", first_name="Boris", last_name="I", shops=[shop])
    url = reverse("orders:customer_manager", args=[maria.pk])
    for reader in (anna, inspector()):
        client.force_login(reader)
        assert client.post(url, {"manager": boris.pk}).status_code == 403
    client.force_login(supervisor())
    client.post(url, {"manager": boris.pk})
    maria.refresh_from_db()
    assert maria.responsible_manager == boris
    assert CustomerEvent.objects.get(customer=maria).text == "Responsible manager: Anna S → Boris I"


def test_inspectors_read_the_page_but_do_not_edit(client, maria):
    client.force_login(inspector())
    assert 'data-testid="customer-form"' not in page_of(client, maria).content.decode()
    url = reverse("orders:customer_edit", args=[maria.pk])
    assert client.post(url, {"name": "X", "phone": PHONE}).status_code == 403


def test_customers_sharing_an_email_are_flagged_as_perhaps_the_same_person(client, shop, anna):
    first = make_order(shop, phone="+79160000011").customer
    Customer.objects.filter(pk=first.pk).update(email="same@example.com")
    second = make_order(shop, phone="+79160000012").customer
    Customer.objects.filter(pk=second.pk).update(email="Same@example.com")
    client.force_login(anna)
    assert "perhaps the same person" in page_of(client, first).content.decode()
