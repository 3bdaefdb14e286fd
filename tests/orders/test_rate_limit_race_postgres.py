"""The storefront rate limit under real concurrency: four web workers counting one shop's minute let exactly the
limit through (the counter is a row every process shares)."""

import pytest
from django.utils import timezone

from orders.models import ApiRateWindow
from orders.services import api_rate_take
from tests.factories import ShopFactory
from tests.orders.test_races_postgres import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_workers_at_once_let_exactly_the_limit_through():
    shop = ShopFactory(api_requests_per_minute=25)
    now = timezone.now().replace(second=10)
    results = race(4, lambda i: [api_rate_take(shop=shop, now=now) for _ in range(10)])
    answers = [answer for batch in results for answer in batch]
    assert answers.count(None) == 25 and all(answer == 50 for answer in answers if answer is not None)
    assert ApiRateWindow.objects.get(shop=shop).count == 40
