"""Deliveries to a real receiver on 127.0.0.1: signed as Standard Webhooks says (checked by the `standardwebhooks`
library, not the desk's code), retried with backoff keeping the event id, in per-order order, an endpoint that
answers 410 or keeps failing switched off with the admins told, a slow or huge answer cut at the deadline / cap,
redirects not followed, and nothing for a change rolled back."""

import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from notifications.models import Notification
from orders.models import Order
from orders.services import order_change_status
from tests.factories import ShopFactory, UserFactory, make_order, msk
from tests.webhooks.conftest import Answer, endpoint_for
from webhooks.models import EventType, WebhookDelivery
from webhooks.services import retry_delay, webhooks_send_due

pytestmark = pytest.mark.django_db
State = WebhookDelivery.State
NOON = msk(2026, 11, 24, 12, 0)


def created(shop, captured, **kwargs) -> Order:
    with captured(execute=True):
        return make_order(shop, **kwargs)


def test_a_delivery_is_signed_so_the_standardwebhooks_library_accepts_it_and_refuses_forged_or_replayed_copies(
    receiver, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    endpoint = endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    order = created(shop, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    body = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert body["type"] == "order.created" and body["id"] == request.headers["webhook-id"]
    assert body["id"].startswith("evt_") and body["data"]["order"]["number"] == order.number
    assert request.headers["webhook-signature"].startswith("v1,")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == (State.DELIVERED, 1, 200)

    with pytest.raises(WebhookVerificationError):  # the body changed on the way
        Webhook(endpoint.secret).verify(request.body.replace(b"order.created", b"order.forged"), request.headers)
    with pytest.raises(WebhookVerificationError):  # signed with another secret
        Webhook("whsec_" + "QUJD" * 8).verify(request.body, request.headers)
    with time_machine.travel(timedelta(minutes=6)), pytest.raises(WebhookVerificationError):  # replayed later
        Webhook(endpoint.secret).verify(request.body, request.headers)


def test_with_the_receiver_down_then_up_every_event_arrives_once_in_each_orders_order(
    receiver, django_capture_on_commit_callbacks
):
    shop = ShopFactory(always_open=True)
    endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED, EventType.ORDER_STATUS_CHANGED])
    receiver.down()
    with time_machine.travel(NOON, tick=False):
        orders = [created(shop, django_capture_on_commit_callbacks) for _ in range(2)]
        for order in orders:
            for target in ("approval", "assembly"):
                with django_capture_on_commit_callbacks(execute=True):
                    order_change_status(order=order, target=target)
        webhooks_send_due()
    assert WebhookDelivery.objects.filter(state=State.PENDING).count() == 6
    # Each order's first event was tried and failed; the later ones wait behind it, untried.
    assert sorted(WebhookDelivery.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1, 1]

    receiver.up()
    with time_machine.travel(NOON + retry_delay(1), tick=False):
        assert webhooks_send_due() == 6

    assert len(receiver.ids()) == len(set(receiver.ids())) == 6
    for order in orders:
        said = [json.loads(r.body) for r in receiver.requests]
        mine = [
            (b["type"], b["data"]["order"]["status"]["code"])
            for b in said
            if b["data"]["order"]["number"] == order.number
        ]
        assert [kind for kind, _ in mine] == ["order.created", "order.status_changed", "order.status_changed"]
        assert [status for _, status in mine][1:] == ["approval", "assembly"]
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {State.DELIVERED}


def test_a_retry_sends_the_same_event_id_after_the_backoff(receiver, django_capture_on_commit_callbacks, settings):
    settings.WEBHOOKS_RETRY_SECONDS = 30
    receiver.answer = lambda seen: Answer(status=500 if len(seen) < 3 else 200, body=b"busy")
    shop = ShopFactory()
    endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    with time_machine.travel(NOON, tick=False):
        created(shop, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == (State.PENDING, 1, 500)
    assert delivery.next_try_at == NOON + timedelta(seconds=30) and delivery.response_excerpt == "busy"

    with time_machine.travel(NOON + timedelta(seconds=29), tick=False):
        assert webhooks_send_due() == 0  # not yet
    with time_machine.travel(NOON + timedelta(seconds=30), tick=False):
        webhooks_send_due()
    delivery.refresh_from_db()
    assert delivery.next_try_at == NOON + timedelta(seconds=30 + 60)  # doubled
    with time_machine.travel(NOON + timedelta(seconds=90), tick=False):
        assert webhooks_send_due() == 1
    assert receiver.ids() == [delivery.event_id] * 3
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 3)


def test_a_later_event_waits_while_an_earlier_one_of_the_same_order_is_waiting(
    receiver, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    endpoint_for(shop, receiver)
    order = make_order(shop)  # not committed: nothing sent yet
    first = WebhookDelivery.objects.get(event_type=EventType.ORDER_CREATED)
    WebhookDelivery.objects.filter(pk=first.pk).update(next_try_at=first.next_try_at + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        order_change_status(order=order, target="approval")
    assert receiver.requests == []
    other = created(shop, django_capture_on_commit_callbacks)  # another order is not held up
    assert [json.loads(r.body)["data"]["order"]["number"] for r in receiver.requests] == [other.number]


def test_an_endpoint_answering_410_is_switched_off_at_once_and_the_admins_are_told(
    receiver, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True)
    receiver.answer = lambda seen: Answer(status=410, body=b"gone")
    shop = ShopFactory()
    endpoint = endpoint_for(shop, receiver)
    created(shop, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert endpoint.disabled_reason == "The receiver answered 410 Gone."
    assert WebhookDelivery.objects.get().state == State.FAILED
    told = Notification.objects.filter(recipient=admin).values_list("text", flat=True)
    assert any("was switched off" in text and endpoint.url in text for text in told)
    created(shop, django_capture_on_commit_callbacks)  # nothing more is recorded for it
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1


def test_failures_in_a_row_switch_the_endpoint_off_and_a_delivery_out_of_tries_fails_with_the_admins_told(
    receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_DISABLE_AFTER, settings.WEBHOOKS_MAX_ATTEMPTS = 3, 2
    admin, manager_user = UserFactory(is_staff=True), UserFactory()
    receiver.answer = lambda seen: Answer(status=503)
    shop = ShopFactory()
    endpoint = endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    with time_machine.travel(NOON, tick=False):
        first = created(shop, django_capture_on_commit_callbacks)
        created(shop, django_capture_on_commit_callbacks)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        webhooks_send_due()
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.consecutive_failures == 3
    assert endpoint.disabled_reason == "3 failed tries in a row; the last: HTTP 503"
    failed = WebhookDelivery.objects.get(order=first)
    assert (failed.state, failed.attempts, failed.last_error) == (State.FAILED, 2, "HTTP 503")
    assert WebhookDelivery.objects.exclude(order=first).get().state == State.PENDING  # kept for when it is back
    told = list(Notification.objects.filter(recipient=admin).values_list("text", flat=True))
    assert any(f"of order {first.number}" in text and "failed for good" in text for text in told)
    assert any("was switched off" in text for text in told)
    assert not Notification.objects.filter(recipient=manager_user).exists()


def test_a_success_clears_the_failures_counted_in_a_row(receiver, django_capture_on_commit_callbacks):
    receiver.answer = lambda seen: Answer(status=500 if len(seen) == 1 else 204, body=b"")
    shop = ShopFactory()
    endpoint = endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    with time_machine.travel(NOON, tick=False):
        created(shop, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        webhooks_send_due()
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.is_active


def test_a_slow_receiver_does_not_hold_the_worker_past_the_timeout(
    receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_TIMEOUT = 0.5
    receiver.answer = lambda seen: Answer(sleep=3)
    shop = ShopFactory()
    endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    started = time.monotonic()
    created(shop, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 2.5
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_error) == (State.PENDING, "No answer within 0.5 s.")


def test_a_huge_answer_is_read_only_up_to_the_cap(receiver, django_capture_on_commit_callbacks, settings):
    settings.WEBHOOKS_MAX_RESPONSE_BYTES, settings.WEBHOOKS_TIMEOUT = 64 * 1024, 20
    receiver.answer = lambda seen: Answer(body=b"", streamed=4 * 2**30)  # 4 GB
    shop = ShopFactory()
    endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    started = time.monotonic()
    created(shop, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 3
    delivery = WebhookDelivery.objects.get()
    time.sleep(0.2)
    assert receiver.answered == [False]  # the desk hung up after the cap, long before 4 GB
    assert (delivery.state, delivery.response_excerpt) == (State.DELIVERED, "x" * 500)


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, django_capture_on_commit_callbacks):
    receiver.answer = lambda seen: Answer(status=302, location=f"http://127.0.0.1:{receiver.port}/elsewhere")
    shop = ShopFactory()
    endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    created(shop, django_capture_on_commit_callbacks)
    assert [r.path for r in receiver.requests] == ["/hooks"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.response_code) == (State.PENDING, 302)
    assert "redirects are not followed" in delivery.last_error


def test_a_change_rolled_back_records_and_sends_nothing(receiver, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    endpoint_for(shop, receiver)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        make_order(shop)
        assert WebhookDelivery.objects.count() == 1  # written in the change's transaction…
        raise RuntimeError("the change fails after the event")
    assert WebhookDelivery.objects.count() == 0  # …and gone with it
    assert receiver.requests == []
