"""Four workers draining one endpoint's queue at once, on PostgreSQL with real row locks: no delivery is sent
twice, and no order's events arrive out of order (the receiver records what arrives)."""

import json
import random
import threading
from uuid import uuid4

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import ShopFactory, make_order
from tests.webhooks.conftest import Answer, endpoint_for
from webhooks.models import WebhookDelivery
from webhooks.services import webhooks_send_due

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


def test_four_workers_never_send_a_delivery_twice_nor_an_orders_events_out_of_order(receiver):
    receiver.answer = lambda seen: Answer(sleep=random.uniform(0, 0.01))
    shop = ShopFactory()
    orders = [make_order(shop) for _ in range(12)]  # before the endpoint: nothing recorded for them
    endpoint = endpoint_for(shop, receiver)
    now = timezone.now()
    rows = []
    for step in range(5):  # each order's events written interleaved with the others', as a busy desk does
        for order in orders:
            event_id = f"evt_{uuid4().hex}"
            payload = {"id": event_id, "type": "order.status_changed", "step": step, "order": order.number}
            rows.append(
                WebhookDelivery(
                    endpoint=endpoint, event_id=event_id, event_type="order.status_changed", order=order,
                    payload=payload, next_try_at=now,
                )
            )  # fmt: skip
    WebhookDelivery.objects.bulk_create(rows)
    barrier = threading.Barrier(4)
    sent = [0] * 4

    def work(i):
        try:
            barrier.wait()
            sent[i] = webhooks_send_due(batch=4)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    arrived = [json.loads(r.body) for r in receiver.requests]
    ids = [body["id"] for body in arrived]
    assert len(ids) == len(set(ids)) == 60 and sum(sent) == 60
    for order in orders:
        steps = [body["step"] for body in arrived if body["order"] == order.number]
        assert steps == [0, 1, 2, 3, 4], order.number
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert sum(1 for n in sent if n) > 1  # the workers really shared the queue
