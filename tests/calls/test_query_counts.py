"""Twilio waits on the voice webhooks while the caller listens: each costs a fixed number of queries, whatever
the team and the customer's history."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.calls.conftest import NOON, dial_ended, reachable, ring
from tests.factories import free_manager, make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_account")]


def queries(work):
    with CaptureQueriesContext(connection) as captured:
        result = work()
    return len(captured), result


@pytest.mark.parametrize("team", [2, 12])
def test_a_call_and_its_dials_end_cost_the_same_queries_whatever_the_team_and_history(client, shop, team):
    managers = [reachable(free_manager(shops=[shop]), phone=f"+791600000{n:02d}") for n in range(team)]
    with time_machine.travel(NOON, tick=False):
        for n in range(team):
            make_order(shop, phone="+79161112233", manager=managers[n])
        incoming, (_, twiml) = queries(lambda: ring(client, from_="+79161112233"))
        dial, _ = queries(lambda: dial_ended(client, twiml.find("Dial").get("action"), status="no-answer"))

    assert (incoming, dial) == (INCOMING_QUERIES, DIAL_QUERIES)


INCOMING_QUERIES = 30  # with 5 savepoints: each service its own transaction inside the request
DIAL_QUERIES = 23
