"""A customer phones in an order: a manager types it in, finds the customer by phone, and routes it or takes it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assignment.models import Presence
from assignment.services import presence_set
from orders.models import Customer, Order, OrderEvent
from tests.factories import ShopFactory, free_manager, grant, inspector, make_order

pytestmark = pytest.mark.django_db

# A delivery a few days ahead, whatever the day the suite runs (and whichever zone the shop is in).
SOON = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, name="Green Garden")


@pytest.fixture
def anna(shop):
    return free_manager(username="anna", first_name="Anna", last_name="S", quota=2, shops=[shop])


def posted(shop, **changes):
    data = {
        "shop": shop.pk,
        "phone": "8 (916) 123-45-67",
        "email": "",
        "name": "Ivan Petrov",
        "method": "phone",
        "delivery_address": "Tverskaya 1",
        "delivery_date": SOON.isoformat(),
        "comment": "Call before noon",
        "items-TOTAL_FORMS": 2,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 1,
        "items-MAX_NUM_FORMS": 1000,
        "items-0-sku": "GR-101",
        "items-0-name": "Garden hose",
        "items-0-qty": 2,
        "items-0-price": "1890",
        "items-1-sku": "",
        "items-1-name": "Watering can",
        "items-1-qty": 1,
        "items-1-price": "700",
    }
    data.update(changes)
    return data


def test_a_phoned_in_order_for_a_new_customer_is_routed_like_any_order(client, shop, anna):
    client.force_login(anna)
    presence_set(user=anna, presence=Presence.LUNCH)
    boris = free_manager(username="boris", first_name="Boris", last_name="I", shops=[shop])
    response = client.post(reverse("orders:new"), posted(shop))
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.pk])
    assert order.customer.phone == "+79161234567" and order.customer.name == "Ivan Petrov"
    assert order.method == "phone" and order.delivery_date == SOON and order.total == 2 * 1890 + 700
    assert order.manager == boris  # routing chose; Anna typed it in
    created = order.events.get(kind=OrderEvent.Kind.CREATED)
    assert created.actor == anna and created.text == "Order received (Phone), total ₽4,480."


def test_the_page_finds_a_known_customer_by_a_phone_typed_any_way(client, shop, anna):
    known = make_order(shop, phone="+79161234567", customer_name="Maria Volkova")
    client.force_login(anna)
    fragment = client.get(
        reverse("orders:new_customer"), {"shop": shop.pk, "phone": "8 916 123 45 67"}
    ).content.decode()
    assert "Maria Volkova" in fragment and known.number in fragment and "known customer" in fragment
    assert (
        "known customer"
        not in client.get(
            reverse("orders:new_customer"), {"shop": shop.pk, "phone": "+79160000000"}
        ).content.decode()
    )
    client.post(reverse("orders:new"), posted(shop, name="Maria Volkova"))
    assert Customer.objects.count() == 1 and Order.objects.filter(customer__name="Maria Volkova").count() == 2


def test_ill_take_it_makes_the_order_mine_through_routings_locks(client, shop, anna):
    free_manager(username="boris", shops=[shop])  # routing could have picked him
    client.force_login(anna)
    client.post(reverse("orders:new"), posted(shop, take_it="on"))
    order = Order.objects.get()
    assert order.manager == anna
    decision = order.assignment_decisions.get()
    assert decision.rule == "taken" and decision.accepted_at is not None


def test_ill_take_it_over_quota_saves_nothing_and_keeps_what_was_typed(client, shop, anna):
    for _ in range(2):
        make_order(shop, manager=anna)
    client.force_login(anna)
    response = client.post(reverse("orders:new"), posted(shop, take_it="on"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "You are at quota (2/2)" in page and "The order was not saved." in page
    assert 'value="Garden hose"' in page and 'value="Watering can"' in page and "Tverskaya 1" in page
    assert Order.objects.count() == 2 and not Customer.objects.filter(name="Ivan Petrov").exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"items-1-qty": 0}, "Ensure this value is greater than or equal to 1."),
        ({"items-0-price": "cheap"}, "Enter a number."),
        ({"phone": "12", "email": ""}, "not a phone number in use"),
        ({"phone": "", "email": ""}, "Give the customer&#x27;s phone or email: the desk finds the customer"),
        ({"items-TOTAL_FORMS": 0}, "Add at least one item."),
    ],
)
def test_a_refused_order_keeps_every_row_typed_and_says_why(client, shop, anna, changes, error):
    client.force_login(anna)
    response = client.post(reverse("orders:new"), posted(shop, **changes))
    page = response.content.decode()
    assert response.status_code == 400 and error in page
    assert 'value="Ivan Petrov"' in page and "Call before noon" in page
    assert not Order.objects.exists()


def test_inspectors_do_not_type_in_orders(client, shop):
    checker = inspector()
    grant(checker, shops=[shop])
    client.force_login(checker)
    assert client.get(reverse("orders:new")).status_code == 403
    assert client.post(reverse("orders:new"), posted(shop)).status_code == 403
    assert not Order.objects.exists()


def test_the_comment_typed_with_a_phone_order_is_labelled_as_the_managers_note(client, shop, anna):
    client.force_login(anna)
    client.post(reverse("orders:new"), posted(shop, take_it="on"))
    typed = Order.objects.get()
    page = client.get(reverse("orders:detail", args=[typed.pk])).content.decode()
    assert 'data-testid="comment-label">Manager\'s note</div>Call before noon' in page
    from_storefront = make_order(shop, manager=anna, comment="Ring twice")
    page = client.get(reverse("orders:detail", args=[from_storefront.pk])).content.decode()
    assert 'data-testid="comment-label">Customer\'s comment</div>Ring twice' in page


def test_the_known_customer_lookup_shows_nobody_from_a_shop_the_manager_is_not_granted(client, shop, anna):
    other_shop = ShopFactory(always_open=True, name="Gadgets")
    theirs = make_order(other_shop, phone="+79161234567", customer_name="Pavel Lebedev")
    Customer.objects.filter(pk=theirs.customer_id).update(email="pavel@example.com")
    client.force_login(anna)
    lookup = reverse("orders:new_customer")
    for query in ({"phone": "+79161234567"}, {"phone": "", "email": "pavel@example.com"}):
        fragment = client.get(lookup, {"shop": other_shop.pk, **query}).content.decode()
        assert (
            "Pavel Lebedev" not in fragment and theirs.number not in fragment and "known customer" not in fragment
        )
    # The same lookup in her own shop works, so the refusal above is the scope, not a lookup that finds nothing.
    maria = make_order(shop, phone="+79161234567", customer_name="Maria Volkova").customer
    Customer.objects.filter(pk=maria.pk).update(email="pavel@example.com")
    for query in ({"phone": "+79161234567"}, {"phone": "", "email": "pavel@example.com"}):
        assert "Maria Volkova" in client.get(lookup, {"shop": shop.pk, **query}).content.decode()


def test_a_manager_granted_no_shop_is_told_why_there_is_no_shop_to_choose(client, shop, anna):
    access = grant(anna, shops=[shop])
    access.shops.clear()  # "all shops" off and none chosen: no shop at all
    client.force_login(anna)

    page = client.get(reverse("orders:new")).content.decode()
    typed = {key: value for key, value in posted(shop).items() if key != "shop"}  # the list offers none
    refused = client.post(reverse("orders:new"), typed)

    assert "You are granted no shop" in page
    assert refused.status_code == 400 and "You are granted no shop" in refused.content.decode()
    assert not Order.objects.exists()


@pytest.fixture
def tatiana(shop):
    """A known customer with a phone and an email, as in the demo."""
    customer = make_order(shop, phone="+79035550101", customer_name="Tatiana Egorova").customer
    Customer.objects.filter(pk=customer.pk).update(email="tanya@example.com")
    return customer


def test_the_page_finds_a_known_customer_with_a_phone_by_their_email_typed_in_any_case(
    client, shop, anna, tatiana
):
    client.force_login(anna)
    lookup = reverse("orders:new_customer")
    fragment = client.get(lookup, {"shop": shop.pk, "phone": "", "email": "  Tanya@Example.COM "}).content.decode()
    assert "Tatiana Egorova</a></strong> is a known customer" in fragment
    assert 'data-known-name="Tatiana Egorova"' in fragment  # the page locks the name field to it
    unknown = client.get(lookup, {"shop": shop.pk, "phone": "", "email": "tanya@example.org"}).content.decode()
    assert "known customer" not in unknown


def test_an_order_saved_with_only_a_known_email_goes_to_that_customer_as_the_desk_knows_them(
    client, shop, anna, tatiana
):
    client.force_login(anna)
    response = client.post(reverse("orders:new"), posted(shop, phone="", email="TANYA@example.com", name=""))
    assert response.status_code == 302
    assert Customer.objects.count() == 1  # no second Tatiana with the same email
    assert Order.objects.get(method="phone").customer_id == tatiana.pk
    tatiana.refresh_from_db()
    assert (tatiana.name, tatiana.phone, tatiana.email) == ("Tatiana Egorova", "+79035550101", "tanya@example.com")
    assert not tatiana.events.exists()


def test_a_known_phone_with_another_customers_email_goes_to_the_phones_customer_and_says_whose_email_it_is(
    client, shop, anna, tatiana
):
    maria = make_order(shop, phone="+79161234567", customer_name="Maria Volkova").customer
    client.force_login(anna)
    fragment = client.get(
        reverse("orders:new_customer"), {"shop": shop.pk, "phone": "8 916 123-45-67", "email": "tanya@example.com"}
    ).content.decode()
    assert "Maria Volkova</a></strong> is a known customer" in fragment
    tatianas_page = reverse("orders:customer", args=[tatiana.pk])
    assert f'tanya@example.com is the email of <a href="{tatianas_page}">Tatiana Egorova</a>, another' in fragment

    # Ticking "update" would copy Tatiana's email onto Maria: refused, with what was typed kept.
    refused = client.post(
        reverse("orders:new"), posted(shop, email="tanya@example.com", name="Maria V.", update_details="on")
    )
    assert refused.status_code == 400
    assert "This email belongs to Tatiana Egorova, another customer of this shop" in refused.content.decode()
    assert 'value="tanya@example.com"' in refused.content.decode()
    assert Order.objects.count() == 2

    # Without the tick the phone decides: Maria's order, and both customers stay as they were.
    client.post(reverse("orders:new"), posted(shop, email="tanya@example.com", name=""))
    assert Order.objects.filter(customer=maria).count() == 2 and Customer.objects.count() == 2
    maria.refresh_from_db()
    tatiana.refresh_from_db()
    assert (maria.name, maria.email, tatiana.email) == ("Maria Volkova", "", "tanya@example.com")
    assert not maria.events.exists()
