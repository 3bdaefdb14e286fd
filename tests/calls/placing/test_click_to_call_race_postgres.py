"""Two clicks at once on PostgreSQL (a double click, two tabs, auto-dial beside a click): one call is placed."""

import pytest

from calls.exceptions import CallRefused
from calls.services import call_place
from orders.models import PhoneCall
from tests.orders.test_races_postgres import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline", "afternoon"),
]


def test_four_simultaneous_clicks_place_one_call(twilio, order, anna):
    def click(_):
        try:
            return call_place(order=order, customer=order.customer, manager=anna).pk
        except CallRefused as refusal:
            return str(refusal)

    results = race(4, click)

    placed = [result for result in results if isinstance(result, int)]
    assert len(placed) == 1, results
    assert all("You are already on a call" in result for result in results if isinstance(result, str)), results
    assert PhoneCall.objects.count() == 1 and len(twilio.placed_calls) == 1
