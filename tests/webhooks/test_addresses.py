"""Server-side request forgery: an endpoint's address is refused when it leads to a private, loopback,
link-local (cloud metadata) or otherwise non-public address, unless WEBHOOKS_ALLOW_PRIVATE says so; at save and
again at send time. https is required unless DEBUG."""

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ShopFactory, make_order
from tests.webhooks.conftest import endpoint_for
from webhooks import transport
from webhooks.addresses import Target, address_refused
from webhooks.models import WebhookDelivery, WebhookEndpoint

PRIVATE = ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.10", "172.16.5.5", "::1", "fe80::1",
           "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1", "100.64.0.1"]  # fmt: skip


@pytest.mark.pure
@pytest.mark.parametrize("address", PRIVATE)
def test_private_loopback_link_local_and_other_non_public_addresses_are_refused(address):
    assert address_refused(ipaddress.ip_address(address))


@pytest.mark.pure
@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_pass(address):
    assert not address_refused(ipaddress.ip_address(address))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/hooks", "https://10.0.0.7/hooks", "https://169.254.169.254/latest/meta-data/",
            "https://localhost:8443/hooks"],
)  # fmt: skip
def test_an_endpoint_to_a_private_address_is_refused_when_saved(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = WebhookEndpoint(shop=ShopFactory(), url=url, secret="whsec_x", events=["order.created"])
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert "a private, loopback or link-local address" in refused.value.message_dict["url"][0]


@pytest.mark.django_db
def test_a_private_address_is_accepted_when_the_setting_allows_it(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    WebhookEndpoint(
        shop=ShopFactory(), url="https://10.0.0.7/hooks", secret="s", events=["order.created"]
    ).full_clean()


@pytest.mark.django_db
def test_plain_http_is_refused_unless_debug(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE, settings.DEBUG = True, False
    endpoint = WebhookEndpoint(shop=ShopFactory(), url="http://10.0.0.7/h", secret="s", events=["order.created"])
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert refused.value.message_dict["url"] == [
        "The address must start with https:// (http is allowed only with DEBUG)."
    ]
    settings.DEBUG = True
    endpoint.full_clean()


@pytest.mark.django_db
def test_an_endpoint_saved_while_allowed_is_refused_at_send_time_once_it_is_not(
    receiver, settings, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    endpoint_for(shop, receiver)
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        make_order(shop)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.PENDING and delivery.attempts == 1
    assert "127.0.0.1 leads to 127.0.0.1, a private, loopback or link-local address" in delivery.last_error


def test_the_request_goes_to_the_checked_address_not_a_new_dns_answer(receiver):
    """DNS rebinding: the host is resolved once, when checked; the connection goes to that address (here a name
    that resolves nowhere, checked as 127.0.0.1), with the host named in the Host header."""
    target = Target(scheme="http", host="shop.invalid", port=receiver.port, path="/hooks", address="127.0.0.1")
    answer = transport.post(target, body=b"{}", headers={}, timeout=5, cap=1024)
    assert answer.status == 200
    assert receiver.requests[0].headers["Host"] == f"shop.invalid:{receiver.port}"
