"""A known customer's details change only when someone chooses to change them, and every change, whichever way it
comes (a phoned-in order, the storefront, the customer page, admin), is a history line with who and when."""

import json

import pytest
from django.urls import reverse

from orders.models import Customer, CustomerEvent, Order
from orders.services import shop_issue_api_key
from tests.factories import ShopFactory, free_manager, make_order
from tests.orders.test_new_order_by_hand import posted

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, name="Green Garden", code="garden")


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Anna", last_name="S", shops=[shop])


@pytest.fixture
def olga(shop):
    customer = make_order(shop, phone=PHONE, customer_name="Olga Novikova").customer
    Customer.objects.filter(pk=customer.pk).update(is_vip=True, email="olga@example.com")
    return customer


def history(customer) -> list[tuple[str, str | None]]:
    return [(event.text, event.actor.username if event.actor else None) for event in customer.events.all()]


def test_a_phone_order_for_a_known_customer_keeps_their_details_whatever_the_name_field_holds(
    client, shop, anna, olga
):
    client.force_login(anna)
    response = client.post(reverse("orders:new"), posted(shop, name="Olga N.", email="other@example.com"))
    assert response.status_code == 302
    olga.refresh_from_db()
    assert (olga.name, olga.email, olga.is_vip) == ("Olga Novikova", "olga@example.com", True)
    assert Order.objects.filter(customer=olga).count() == 2 and history(olga) == []


def test_a_known_customer_needs_no_name_typed_but_a_new_one_does(client, shop, anna, olga):
    client.force_login(anna)
    assert client.post(reverse("orders:new"), posted(shop, name="")).status_code == 302
    assert Order.objects.filter(customer=olga).count() == 2
    response = client.post(reverse("orders:new"), posted(shop, name="", phone="+79160000002"))
    assert response.status_code == 400
    assert "Give the customer&#x27;s name: they are new to this shop." in response.content.decode()
    assert not Customer.objects.filter(phone="+79160000002").exists()


def test_ticking_update_changes_a_known_customers_details_with_a_history_line_each(client, shop, anna, olga):
    client.force_login(anna)
    data = posted(shop, name="Olga N.", email="new@example.com", update_details="on")
    assert client.post(reverse("orders:new"), data).status_code == 302
    olga.refresh_from_db()
    assert (olga.name, olga.email) == ("Olga N.", "new@example.com")
    assert sorted(history(olga)) == [
        ("Email: olga@example.com → new@example.com (with a new order)", "anna"),
        ("Name: Olga Novikova → Olga N. (with a new order)", "anna"),
    ]
    page = client.get(reverse("orders:customer", args=[olga.pk])).content.decode()
    assert "Name: Olga Novikova → Olga N." in page and "No changes." not in page


def test_ticking_update_with_an_empty_name_is_refused(client, shop, anna, olga):
    client.force_login(anna)
    response = client.post(reverse("orders:new"), posted(shop, name="", update_details="on"))
    assert response.status_code == 400 and "untick updating the customer" in response.content.decode()
    assert Order.objects.count() == 1


def test_the_storefront_changing_a_known_customers_name_is_a_history_line(client, shop, olga):
    key = shop_issue_api_key(shop=shop)
    body = {
        "external_id": "web-7",
        "customer": {"name": "Olga N.", "phone": PHONE},
        "items": [{"name": "Teapot", "qty": 1, "price": "450"}],
    }
    response = client.post(
        "/api/v1/orders/",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201
    assert history(olga) == [("Name: Olga Novikova → Olga N. (with the storefront's order web-7)", None)]


def test_the_customer_page_writes_each_changed_detail_with_who(client, anna, olga):
    client.force_login(anna)
    client.post(
        reverse("orders:customer_edit", args=[olga.pk]),
        {"name": "Olga Novikova", "phone": PHONE, "email": "o@example.com", "is_vip": "on"},
    )
    assert history(olga) == [("Email: olga@example.com → o@example.com", "anna")]


def test_a_change_in_admin_is_a_history_line_with_the_admin(admin_client, admin_user, olga):
    url = reverse("admin:orders_customer_change", args=[olga.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "shop"}
    data.update(name="Olga Petrovna", is_vip="on", responsible_manager="")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:800]
    olga.refresh_from_db()
    assert olga.name == "Olga Petrovna"
    assert history(olga) == [("Name: Olga Novikova → Olga Petrovna", admin_user.username)]
    assert CustomerEvent.objects.get().created_at is not None
