"""The storefront API's OpenAPI document: served without a key, valid OpenAPI (openapi-spec-validator), naming
every storefront address, and true: real answers of every endpoint, success and refusal alike, have a status code
it documents and a body its schema for that code accepts."""

import json

import pytest
import time_machine
from django.urls import URLPattern, get_resolver
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from orders.openapi import OPENAPI
from orders.services import shop_issue_api_key
from tests.factories import ShopFactory, free_manager, make_order, msk

pytestmark = pytest.mark.django_db


def test_the_document_is_served_without_a_key_and_is_valid_openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document == json.loads(json.dumps(OPENAPI))


def test_every_storefront_address_is_in_the_document():
    routes = {
        "/" + str(entry.pattern).replace("<str:external_id>", "{external_id}")
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLPattern) and str(entry.pattern).startswith("api/v1/")
    }
    assert routes == set(OPENAPI["paths"])


def conforms(path, method, response):
    """The answer's status code is documented for the operation and its JSON body matches that code's schema."""
    documented = OPENAPI["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, f"{method} {path}: {response.status_code} is not documented"
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": OPENAPI["components"]})
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(response.json())]
    assert not errors, f"{method} {path} {response.status_code}: {errors}"
    for header in documented[str(response.status_code)].get("headers", {}):
        assert response.has_header(header), f"{method} {path} {response.status_code}: no {header}"
    return response


INTAKE = {
    "external_id": "web-1",
    "customer": {"name": "Ivan Petrov", "phone": "+79161112233", "type": "person"},
    "items": [{"sku": "GR-101", "name": "Garden hose", "qty": 2, "price": 1890}],
    "delivery_address": "Moscow, Arbat 5",
    "payment_method": "cash_on_delivery",
    "delivery_method": "courier",
    "delivery_date": "2026-11-25",
    "delivery_time_from": "14:00",
    "delivery_time_to": "16:00",
}


def test_real_answers_of_every_endpoint_are_as_documented(client):
    shop = ShopFactory(code="garden", always_open=True, api_requests_per_minute=1000)
    key = shop_issue_api_key(shop=shop)
    free_manager(username="anna", first_name="Anna")
    auth = {"Authorization": f"Bearer {key}"}

    def post(path, url, body, headers=auth):
        raw = body if isinstance(body, str) else json.dumps(body)
        return conforms(path, "post", client.post(url, raw, content_type="application/json", headers=headers))

    def get(path, url, headers=auth, **params):
        return conforms(path, "get", client.get(url, params, headers=headers))

    orders, order = "/api/v1/orders/", "/api/v1/orders/{external_id}/"
    payment, delivery = "/api/v1/orders/{external_id}/payment/", "/api/v1/orders/{external_id}/delivery/"
    assert post(orders, "/api/v1/orders/", INTAKE).status_code == 201
    assert post(orders, "/api/v1/orders/", INTAKE).status_code == 200
    assert post(orders, "/api/v1/orders/", {**INTAKE, "comment": "other"}).status_code == 409
    assert post(orders, "/api/v1/orders/", {**INTAKE, "items": [{"qty": 0}]}).status_code == 400
    assert post(orders, "/api/v1/orders/", {**INTAKE, "delivery_time_to": "13:00"}).status_code == 400
    assert post(orders, "/api/v1/orders/", "[1, 2]").status_code == 400
    assert post(orders, "/api/v1/orders/", INTAKE, headers={}).status_code == 401

    assert post(payment, "/api/v1/orders/web-1/payment/", {"state": "paid", "amount": 100}).status_code == 200
    assert post(payment, "/api/v1/orders/web-1/payment/", {"state": "maybe"}).status_code == 400
    assert post(payment, "/api/v1/orders/web-2/payment/", {"state": "paid", "amount": 1}).status_code == 404

    report = {"carrier": "CDEK", "tracking_code": "CDEK-1", "state": "in_transit", "at": "2026-11-24T10:00:00Z"}
    with time_machine.travel(msk(2026, 11, 24, 14, 0), tick=False):
        assert post(delivery, "/api/v1/orders/web-1/delivery/", report).status_code == 201
        assert post(delivery, "/api/v1/orders/web-1/delivery/", report).status_code == 200
        assert post(delivery, "/api/v1/orders/web-1/delivery/", {**report, "at": 5}).status_code == 400
    assert post(delivery, "/api/v1/orders/web-2/delivery/", report).status_code == 404

    document = get(order, "/api/v1/orders/web-1/").json()
    assert document["delivery"]["timeline"] and document["manager"] == {"first_name": "Anna"}
    assert (document["delivery"]["time_from"], document["payment"]["method"]) == ("14:00", "cash_on_delivery")
    assert get(order, "/api/v1/orders/web-2/").status_code == 404
    assert get(order, "/api/v1/orders/web-1/", headers={}).status_code == 401

    make_order(shop)  # an order with no manager, address or carrier: the nulls are documented too
    page = get(orders, "/api/v1/orders/", limit=1)
    assert page.json()["next_cursor"]
    assert get(orders, "/api/v1/orders/", cursor=page.json()["next_cursor"]).json()["next_cursor"] is None
    assert get(orders, "/api/v1/orders/", updated_since="soon").status_code == 400

    shop.api_requests_per_minute = 1
    shop.save()
    assert get(order, "/api/v1/orders/web-1/").status_code == 429
    assert post(orders, "/api/v1/orders/", INTAKE).status_code == 429
