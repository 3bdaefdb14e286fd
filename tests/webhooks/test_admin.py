"""Admin → Webhook endpoints and deliveries: admins only; the secret is shown once, on the page answering the
save (or the rotation), never on the endpoint's page; "send again" requeues keeping the event id."""

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from tests.factories import ShopFactory, UserFactory, inspector, make_order, manager, supervisor
from tests.webhooks.conftest import endpoint_for
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


def pages(endpoint, delivery):
    return [
        ("get", reverse("admin:webhooks_webhookendpoint_changelist")),
        ("get", reverse("admin:webhooks_webhookendpoint_add")),
        ("get", reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])),
        ("post", reverse("admin:webhooks_webhookendpoint_rotate", args=[endpoint.pk])),
        ("get", reverse("admin:webhooks_webhookdelivery_changelist")),
        ("get", reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])),
    ]


@pytest.mark.parametrize("role", [manager, supervisor, inspector])
def test_managers_supervisors_and_inspectors_are_kept_out_of_every_webhook_page(client, receiver, role):
    shop = ShopFactory()
    endpoint = endpoint_for(shop, receiver)
    make_order(shop)
    secret = endpoint.secret
    client.force_login(role())
    for method, url in pages(endpoint, WebhookDelivery.objects.first()):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    endpoint.refresh_from_db()
    assert endpoint.secret == secret  # the refused rotation changed nothing


def test_an_admin_opens_every_webhook_page(client, receiver, admin_user):
    shop = ShopFactory()
    endpoint = endpoint_for(shop, receiver)
    make_order(shop)
    client.force_login(admin_user)
    for method, url in pages(endpoint, WebhookDelivery.objects.first()):
        assert getattr(client, method)(url).status_code == 200, url


def test_a_new_endpoints_secret_is_shown_once_after_saving_and_never_again(client, receiver, admin_user):
    shop = ShopFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"shop": shop.pk, "url": receiver.url, "events": ["order.created", "claim.opened"], "is_active": "on"},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["order.created", "claim.opened"]
    assert endpoint.secret.startswith("whsec_") and len(Webhook(endpoint.secret)._whsecret) >= 24
    assert f'value="{endpoint.secret}"' in response.content.decode()
    assert "it is shown only this once" in response.content.decode()
    for url in (
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:webhooks_webhookendpoint_changelist"),
    ):
        assert endpoint.secret not in client.get(url).content.decode()


def test_rotating_the_secret_shows_the_new_one_once_and_asks_for_a_post(client, receiver, admin_user):
    endpoint = endpoint_for(ShopFactory(), receiver)
    old = endpoint.secret
    client.force_login(admin_user)
    url = reverse("admin:webhooks_webhookendpoint_rotate", args=[endpoint.pk])
    assert client.get(url).status_code == 405
    endpoint.refresh_from_db()
    assert endpoint.secret == old
    response = client.post(url)
    endpoint.refresh_from_db()
    assert endpoint.secret != old and f'value="{endpoint.secret}"' in response.content.decode()


def test_an_endpoint_to_a_private_address_is_refused_by_the_form_and_nothing_is_saved(
    client, settings, admin_user
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"shop": ShopFactory().pk, "url": "https://169.254.169.254/latest/", "events": ["order.created"]},
    )
    assert response.status_code == 200
    assert "a private, loopback or link-local address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_switching_an_endpoint_back_on_clears_why_it_was_switched_off(client, receiver, admin_user):
    from django.utils import timezone

    endpoint = endpoint_for(ShopFactory(), receiver, is_active=False)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=5, disabled_at=timezone.now(), disabled_reason="5 failed tries in a row"
    )
    client.force_login(admin_user)
    client.post(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        {"shop": endpoint.shop_id, "url": endpoint.url, "events": endpoint.events, "is_active": "on"},
    )
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_reason) == (True, 0, "")


def test_send_again_requeues_a_delivery_with_its_event_id(
    client, receiver, admin_user, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    endpoint_for(shop, receiver, events=[EventType.ORDER_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        make_order(shop)
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "1 delivery will be sent again." in response.content.decode()
    assert receiver.ids() == [delivery.event_id, delivery.event_id]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (WebhookDelivery.State.DELIVERED, 1)
