"""Calls arriving at once on PostgreSQL: two calls never ring one manager, and a manager on a call (ringing,
talking, or dialling out) gets no second one, whatever the interleaving."""

from collections import Counter

import pytest
from django.utils import timezone

from calls.services import call_arrive
from orders.models import CallLeg, Customer, PhoneCall, ShopAddress
from tests.calls.conftest import SHOP_NUMBER, reachable
from tests.factories import ShopFactory, free_manager
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


@pytest.fixture
def open_shop():
    shop = ShopFactory(always_open=True)
    ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address=SHOP_NUMBER)
    return shop


def team(shop, size):
    return [reachable(free_manager(shops=[shop], username=f"m{n}"), phone=f"+7916000000{n}") for n in range(size)]


def arrive(i):
    return call_arrive(call_sid=f"CA-race-{i}", from_number=f"+7916555{i:04d}", to_number=SHOP_NUMBER)


def test_eight_calls_at_once_ring_three_managers_one_each_and_the_rest_are_missed(open_shop):
    managers = team(open_shop, 3)

    results = race(8, arrive)

    assert all(isinstance(result, PhoneCall) for result in results), results
    rung = Counter(CallLeg.objects.values_list("manager_id", flat=True))
    assert rung == {manager.pk: 1 for manager in managers}
    assert PhoneCall.objects.filter(missed=PhoneCall.Missed.NOBODY_FREE).count() == 5


def test_two_calls_for_the_same_manager_at_once_ring_them_once_and_a_colleague_once(open_shop):
    anna, boris = team(open_shop, 2)
    for i in range(2):
        Customer.objects.create(shop=open_shop, phone=f"+7916555{i:04d}", responsible_manager=anna)

    results = race(2, arrive)

    assert all(isinstance(result, PhoneCall) for result in results), results
    assert sorted(CallLeg.objects.values_list("manager_id", flat=True)) == sorted([anna.pk, boris.pk])


def test_a_manager_dialling_out_gets_no_call_even_from_their_own_customer(open_shop):
    anna, boris = team(open_shop, 2)
    customer = Customer.objects.create(shop=open_shop, phone="+79165550000", responsible_manager=anna)
    PhoneCall.objects.create(
        direction="out", shop=open_shop, customer=customer, manager=anna, from_number=SHOP_NUMBER,
        to_number="+79165559999", started_at=timezone.now(),
    )  # fmt: skip

    results = race(2, arrive)

    assert all(isinstance(result, PhoneCall) for result in results), results
    assert list(CallLeg.objects.values_list("manager_id", flat=True)) == [boris.pk]
