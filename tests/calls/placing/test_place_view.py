"""The call buttons on the order and customer pages and who may press them (POST calls:place)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assignment.models import ManagerProfile
from core import roles
from orders.models import PhoneCall
from tests.factories import grant, inspector, manager, supervisor

pytestmark = pytest.mark.usefixtures("afternoon", "twilio")
PLACE = reverse("calls:place")


def _with_phone(user, phone="+79990000009"):
    ManagerProfile.objects.update_or_create(user=user, defaults={"phone": phone})
    return user


def test_the_orders_manager_calls_from_the_order_page_and_stays_on_it(client, order, anna, twilio):
    client.force_login(anna)

    response = client.post(PLACE, {"order": order.pk}, follow=True)

    assert response.redirect_chain == [(reverse("orders:detail", args=[order.pk]), 302)]
    assert "Calling Irina Smirnova: your phone rings first" in response.content.decode()
    call = PhoneCall.objects.get()
    assert (call.order, call.manager) == (order, anna) and len(twilio.placed_calls) == 1


def test_a_supervisor_of_the_shop_may_call_the_customer(client, order, shop):
    boss = _with_phone(supervisor(username="boss"))
    grant(boss, shops=[shop])
    client.force_login(boss)

    client.post(PLACE, {"order": order.pk})

    assert PhoneCall.objects.get().manager == boss


def _another_manager(shop):
    other = _with_phone(manager(username="other"))
    grant(other, shops=[shop])
    return other


def _inspector(shop):
    reader = _with_phone(inspector(username="reader"))
    grant(reader, shops=[shop])
    return reader


def _admin(shop):
    return _with_phone(get_user_model().objects.create_user("admin", is_staff=True, is_superuser=True))


@pytest.mark.parametrize("who", [_another_manager, _inspector, _admin])
def test_other_managers_inspectors_and_admins_may_not_call_the_customer(client, order, shop, who):
    client.force_login(who(shop))

    response = client.post(PLACE, {"order": order.pk})

    assert response.status_code == 403
    assert not PhoneCall.objects.exists()


def test_a_get_places_no_call(client, order, anna):
    client.force_login(anna)
    assert client.get(PLACE, {"order": order.pk}).status_code == 405
    assert not PhoneCall.objects.exists()


def test_a_refusal_keeps_the_page_and_says_why(client, order, anna):
    ManagerProfile.objects.filter(user=anna).update(phone="")
    client.force_login(anna)

    response = client.post(PLACE, {"order": order.pk}, follow=True)

    assert response.redirect_chain == [(reverse("orders:detail", args=[order.pk]), 302)]
    assert "Your profile has no phone or SIP address for the desk to ring" in response.content.decode()
    assert not PhoneCall.objects.exists()


def test_in_the_customers_night_the_page_asks_first_and_call_anyway_places_it(client, order, anna):
    order.customer.timezone = "Asia/Vladivostok"
    order.customer.save(update_fields=["timezone"])
    client.force_login(anna)

    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="call-anyway"' in page and "It is 21:00 for the customer: their night." in page
    assert 'data-testid="call-place-button"' not in page

    refused = client.post(PLACE, {"order": order.pk}, follow=True).content.decode()
    assert "It is 21:00 for Irina Smirnova: their night." in refused and not PhoneCall.objects.exists()

    client.post(PLACE, {"order": order.pk, "night_confirmed": "on"})
    assert PhoneCall.objects.get().night_confirmed


def test_by_day_the_order_page_has_the_call_button_and_an_inspector_sees_none(client, order, anna, shop):
    client.force_login(anna)
    assert (
        'data-testid="call-place-button"' in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    )

    client.force_login(_inspector(shop))
    assert 'data-testid="call-place' not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_the_customers_responsible_manager_calls_from_the_customer_page(client, order, anna):
    customer = order.customer
    customer.responsible_manager = anna
    customer.save(update_fields=["responsible_manager"])
    client.force_login(anna)
    page = reverse("orders:customer", args=[customer.pk])
    assert 'data-testid="call-place-button"' in client.get(page).content.decode()

    response = client.post(PLACE, {"customer": customer.pk})

    assert response.url == page
    call = PhoneCall.objects.get()
    assert (call.customer, call.order) == (customer, None)


def test_the_role_rule_admits_managers_and_supervisors_only(shop):
    """The first gate, before whose order it is: an inspector or an admin is refused even for a customer whose
    order they could otherwise see."""
    assert roles.can_place_calls(manager(username="m")) and roles.can_place_calls(supervisor(username="s"))
    assert not roles.can_place_calls(_inspector(shop)) and not roles.can_place_calls(_admin(shop))
