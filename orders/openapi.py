"""The storefront API described as OpenAPI 3.1, served at /api/v1/openapi.json: intake, payment and delivery
reports, the order's status and the changes list. Lengths and choices are read from the forms that validate the
requests (orders.api_forms), so the description and the checks cannot drift apart; the response shapes are the
ones orders.api and orders.selectors.documents write (tests/orders/test_openapi.py holds real answers against
them, and `make api-check` runs schemathesis against a running desk)."""

from typing import Any, cast

from django import forms
from django.db import models

from orders.api_forms import (
    EXTERNAL_ID_LENGTH,
    DeliveryForm,
    IntakeCustomerForm,
    IntakeItemForm,
    IntakeOrderForm,
    OrderChangesForm,
    PaymentForm,
)
from orders.models import Order
from orders.selectors.documents import CHANGES_LIMIT_DEFAULT, CHANGES_LIMIT_MAX

Schema = dict[str, Any]

MONEY_OUT: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["1890.00"]}
MOMENT_OUT: Schema = {"type": "string", "format": "date-time"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}
# A delivery slot's end on the shop's clock, as intake takes it and the document writes it.
CLOCK_IN: Schema = {"type": "string", "pattern": r"^\d{2}:\d{2}$", "examples": ["14:00"]}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _max_length(form: type[forms.Form], name: str) -> int | None:
    return getattr(form.base_fields[name], "max_length", None)


def _field(form: type[forms.Form], name: str, **extra: Any) -> Schema:
    """A request field as its form takes it: a string's length, a choice's values, a number's bounds."""
    field = form.base_fields[name]
    schema: Schema
    if isinstance(field, forms.ChoiceField):
        choices = cast(list[tuple[str, str]], field.choices)
        schema = {"type": "string", "enum": [value for value, _ in choices if value != ""]}
    elif isinstance(field, forms.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, forms.DecimalField):
        assert field.max_digits is not None and field.decimal_places is not None
        whole = field.max_digits - field.decimal_places
        schema = {
            "type": ["number", "string"],
            "description": f"An amount: at most {whole} digits before the point and {field.decimal_places} after.",
            "examples": [1890, "450.50"],
        }
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        bounds = {"minimum": field.min_value, "maximum": field.max_value}
        schema.update({key: value for key, value in bounds.items() if value is not None})
    elif isinstance(field, forms.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.TimeField):
        schema = CLOCK_IN
    else:
        schema = {"type": "string"}
        if isinstance(field, forms.EmailField):
            schema["format"] = "email"
        if _max_length(form, name):
            schema["maxLength"] = _max_length(form, name)
    if not field.required and schema["type"] == "string" and "enum" not in schema:
        schema["type"] = ["string", "null"]
    schema.update(extra)
    return schema


def _object(form: type[forms.Form], *, descriptions: dict[str, str] | None = None, **more: Schema) -> Schema:
    descriptions = descriptions or {}
    properties = {
        name: _field(form, name, **({"description": descriptions[name]} if name in descriptions else {}))
        for name in form.base_fields
    }
    properties.update(more)
    required = [name for name, field in form.base_fields.items() if field.required]
    return {"type": "object", "properties": properties, "required": required}


def _json(schema: Schema, description: str, **headers: Schema) -> Schema:
    response: Schema = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _body(schema: str, example: Schema) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema), "example": example}}}


# The README's examples: the order a storefront sends, a payment, a carrier's report.
INTAKE_EXAMPLE: Schema = {
    "external_id": "web-1001",
    "customer": {"name": "Ivan Petrov", "phone": "+79161112233", "email": "ivan@example.com", "type": "person"},
    "method": "cart",
    "region": "Moscow",
    "delivery_address": "Moscow, Arbat 5",
    "items": [{"sku": "GR-101", "name": "Garden hose", "qty": 1, "price": 1890}],
}
PAYMENT_EXAMPLE: Schema = {"state": "paid", "amount": 1890}
DELIVERY_EXAMPLE: Schema = {
    "carrier": "CDEK",
    "tracking_code": "CDEK-1",
    "state": "at_pickup_point",
    "at": "2026-11-24T10:00:00+03:00",
    "location": "Moscow, Arbat 5",
}

ERROR = _ref("Error")
FIELD_ERRORS = _ref("FieldErrors")

UNAUTHORIZED = _json(
    ERROR,
    "No key, an unknown or a revoked key (a staff session is no key).",
    **{"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="orderdesk"'}},
)
TOO_MANY = _json(
    ERROR,
    "Over the shop's requests per minute (admin → Shops; all its keys and endpoints together).",
    **{"Retry-After": {"schema": {"type": "string", "pattern": r"^\d+$"}, "description": "Seconds to wait."}},
)
NOT_FOUND = _json(ERROR, "The shop has no order with this external_id (another shop's order is none either).")
BAD_BODY = _json(
    {"anyOf": [FIELD_ERRORS, ERROR]},
    "The body is not a JSON object (`error` alone), or fields are invalid (`error` and `fields`).",
)

# What a client can do next with an order it has sent (schemathesis follows these in its stateful phase).
ORDER_LINKS = {
    operation.capitalize(): {
        "operationId": operation,
        "parameters": {"external_id": "$response.body#/external_id"},
    }
    for operation in ("status", "payment", "delivery")
}

EXTERNAL_ID = {
    "name": "external_id",
    "in": "path",
    "required": True,
    "description": "The storefront's id of the order, as sent to intake.",
    "schema": {"type": "string", "minLength": 1, "maxLength": EXTERNAL_ID_LENGTH},
}


def _document() -> Schema:
    schemas: dict[str, Schema] = {
        "Error": {
            "type": "object",
            "properties": {"error": {"type": "string", "description": "What is wrong, in English."}},
            "required": ["error"],
        },
        "FieldErrors": {
            "type": "object",
            "properties": {
                "error": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Messages per field; `customer` holds its own fields' messages, `items` one "
                    "object per item (empty for a valid one) or a message about the list.",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                            {"type": "object"},
                        ]
                    },
                },
            },
            "required": ["error", "fields"],
        },
        "Conflict": {
            "type": "object",
            "properties": {
                "error": {"type": "string"},
                "number": {"type": "string", "description": "The order already accepted under this external_id."},
                "differing": {"type": "array", "items": {"type": "string"}, "description": "What differs."},
            },
            "required": ["error", "number", "differing"],
        },
        "PaymentConflict": {
            "type": "object",
            "properties": {
                "error": {"type": "string"},
                "differing": {"type": "array", "items": {"type": "string"}, "description": "What differs."},
            },
            "required": ["error", "differing"],
        },
        "IntakeCustomer": _object(
            IntakeCustomerForm,
            descriptions={
                "phone": "Any common spelling; kept in E.164 (+79161234567). A phone or an email is required.",
                "email": "Found again in any case. A phone or an email is required.",
                "type": "Left out: keep what the desk knows (a new customer is a person).",
            },
        ),
        "IntakeItem": _object(IntakeItemForm),
        "IntakeOrder": _object(
            IntakeOrderForm,
            descriptions={
                "delivery_date": "The day of delivery (YYYY-MM-DD); required with a time slot.",
                "delivery_time_from": "The delivery slot's start on the shop's clock (HH:MM), with its end.",
                "delivery_time_to": "The delivery slot's end, after its start (HH:MM).",
            },
            customer=_ref("IntakeCustomer"),
            items=({"type": "array", "minItems": 1, "items": _ref("IntakeItem")}),
        )
        | {"required": ["external_id", "customer", "items"]},
        "Payment": _object(PaymentForm),
        "DeliveryReport": _object(
            DeliveryForm,
            descriptions={
                "at": "When the carrier says it happened (ISO 8601; without an offset, the desk's time zone); "
                "not more than an hour ahead.",
            },
        ),
        "OrderAnswer": {
            "type": "object",
            "description": "The order as the write left it.",
            "properties": {
                "number": {"type": "string"},
                "external_id": {"type": "string"},
                "status": {"type": "string", "description": "The status code."},
                "manager": {
                    **NULLABLE_STRING,
                    "description": "The responsible manager's name; null until routed.",
                },
                "payment_state": {"type": "string"},
            },
            "required": ["number", "external_id", "status", "manager", "payment_state"],
        },
        "OrderDocument": _order_document_schema(),
        "ChangesPage": {
            "type": "object",
            "properties": {
                "orders": {"type": "array", "items": _ref("OrderDocument")},
                "next_cursor": {
                    **NULLABLE_STRING,
                    "description": "Pass as `cursor` for the next page; null on the last page.",
                },
            },
            "required": ["orders", "next_cursor"],
        },
    }
    keyed: list[dict[str, list[str]]] = [{"storefrontKey": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Orderdesk storefront API",
            "version": "1",
            "description": "A shop's site pushes orders, payments and carrier reports into the desk and reads "
            "its orders back. Every call but this document's carries the shop's key (admin → Storefront keys, "
            "or `manage.py shop_api_key <shop>`). Answers and their error messages are in English.",
        },
        "servers": [{"url": "/"}],
        "security": keyed,
        "paths": {
            "/api/v1/orders/": {
                "post": {
                    "operationId": "intake",
                    "summary": "Take an order in (idempotent on external_id)",
                    "requestBody": _body("IntakeOrder", INTAKE_EXAMPLE),
                    "responses": {
                        "201": _json(_ref("OrderAnswer"), "A new order (routed at once when a manager is free).")
                        | {"links": ORDER_LINKS},
                        "200": _json(_ref("OrderAnswer"), "The same order sent again: nothing changed.")
                        | {"links": ORDER_LINKS},
                        "400": BAD_BODY,
                        "401": UNAUTHORIZED,
                        "409": _json(_ref("Conflict"), "This external_id was accepted with other content."),
                        "429": TOO_MANY,
                    },
                },
                "get": {
                    "operationId": "changes",
                    "summary": "The shop's orders changed since a moment, oldest change first",
                    "description": "Poll with `updated_since` (inclusive), then follow `next_cursor` until it is "
                    "null. Next time, start from the last order's `updated_at` minus a minute: an order is "
                    "listed again when it changes again, and a change committed late is not missed.",
                    "parameters": [
                        {
                            "name": "updated_since",
                            "in": "query",
                            "description": "ISO 8601 with its offset (…Z or +03:00; a `+` may be sent as %2B).",
                            "schema": {"type": "string", "format": "date-time"},
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "description": "The `next_cursor` of the page before.",
                            "schema": {
                                "type": "string",
                                "maxLength": _max_length(OrderChangesForm, "cursor"),
                            },
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": CHANGES_LIMIT_MAX,
                                "default": CHANGES_LIMIT_DEFAULT,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json(_ref("ChangesPage"), "A page of orders, each as the status call gives it."),
                        "400": _json(FIELD_ERRORS, "A moment, cursor or limit that cannot be read."),
                        "401": UNAUTHORIZED,
                        "429": TOO_MANY,
                    },
                },
            },
            "/api/v1/orders/{external_id}/": {
                "parameters": [EXTERNAL_ID],
                "get": {
                    "operationId": "status",
                    "summary": "The order as the shop's customer may see it",
                    "responses": {
                        "200": _json(_ref("OrderDocument"), "The order."),
                        "401": UNAUTHORIZED,
                        "404": NOT_FOUND,
                        "429": TOO_MANY,
                    },
                },
            },
            "/api/v1/orders/{external_id}/payment/": {
                "parameters": [EXTERNAL_ID],
                "post": {
                    "operationId": "payment",
                    "summary": "Record a payment event",
                    "requestBody": _body("Payment", PAYMENT_EXAMPLE),
                    "responses": {
                        "200": _json(
                            _ref("OrderAnswer"), "Recorded (or the same payment_id again: nothing changed)."
                        ),
                        "400": BAD_BODY,
                        "409": _json(
                            _ref("PaymentConflict"), "This payment_id was recorded with another state or amount."
                        ),
                        "401": UNAUTHORIZED,
                        "404": NOT_FOUND,
                        "429": TOO_MANY,
                    },
                },
            },
            "/api/v1/orders/{external_id}/delivery/": {
                "parameters": [EXTERNAL_ID],
                "post": {
                    "operationId": "delivery",
                    "summary": "Record a carrier's report (idempotent on state and time)",
                    "requestBody": _body("DeliveryReport", DELIVERY_EXAMPLE),
                    "responses": {
                        "201": _json(_ref("OrderAnswer"), "A new report (it may have moved the order on)."),
                        "200": _json(_ref("OrderAnswer"), "The same report again: nothing changed."),
                        "400": BAD_BODY,
                        "401": UNAUTHORIZED,
                        "404": NOT_FOUND,
                        "429": TOO_MANY,
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
                },
            },
        },
        "components": {
            "securitySchemes": {
                "storefrontKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`Authorization: Bearer <the shop's key>`.",
                }
            },
            "schemas": schemas,
        },
    }


def _choice_out(choices: type[models.TextChoices], description: str) -> Schema:
    return {"type": ["string", "null"], "enum": [*choices.values, None], "description": description}


def _order_document_schema() -> Schema:
    def closed(properties: dict[str, Schema], **extra: Any) -> Schema:
        return {"type": "object", "properties": properties, "required": list(properties), **extra}

    return closed(
        {
            "number": {"type": "string"},
            "external_id": NULLABLE_STRING,
            "status": closed(
                {
                    "code": {"type": "string"},
                    "name": {"type": "string", "description": "The shop's name for the status."},
                }
            ),
            "payment": closed(
                {
                    "state": {"type": "string", "examples": ["unpaid", "paid", "failed"]},
                    "method": _choice_out(Order.PaymentMethod, "How the customer pays; null when not known."),
                    "paid": MONEY_OUT,
                    "due": {**MONEY_OUT, "description": "The total less what was paid, never below zero."},
                    "currency": {"type": "string", "description": "ISO 4217."},
                }
            ),
            "items": {
                "type": "array",
                "items": closed(
                    {
                        "sku": {"type": "string"},
                        "name": {"type": "string"},
                        "qty": {"type": "integer", "minimum": 1},
                        "price": MONEY_OUT,
                    }
                ),
            },
            "total": MONEY_OUT,
            "delivery": closed(
                {
                    "method": _choice_out(
                        Order.DeliveryMethod, "How the order is delivered; null when not known."
                    ),
                    "address": NULLABLE_STRING,
                    "date": {"type": ["string", "null"], "format": "date"},
                    "time_from": {**CLOCK_IN, "type": ["string", "null"], "description": "The slot's start."},
                    "time_to": {**CLOCK_IN, "type": ["string", "null"], "description": "The slot's end."},
                    "carrier": {**NULLABLE_STRING, "description": "From the carrier's latest report."},
                    "tracking_code": NULLABLE_STRING,
                    "state": {**NULLABLE_STRING, "description": "The carrier's latest report's state."},
                    "timeline": {
                        "type": "array",
                        "description": "The carrier's reports, oldest first.",
                        "items": closed(
                            {
                                "state": {"type": "string"},
                                "at": MOMENT_OUT,
                                "location": NULLABLE_STRING,
                            }
                        ),
                    },
                }
            ),
            "manager": {
                "oneOf": [{"type": "null"}, closed({"first_name": NULLABLE_STRING})],
                "description": "Who looks after the order, by first name; null until routed.",
            },
            "history": {
                "type": "array",
                "description": "What the customer may read, oldest first: the statuses by the shop's names and "
                "the carrier's reports in the shop's customers' language. No notes, calls or staff.",
                "items": closed(
                    {
                        "at": MOMENT_OUT,
                        "kind": {"type": "string", "enum": ["status", "delivery"]},
                        "text": {"type": "string"},
                    }
                ),
            },
            "created_at": MOMENT_OUT,
            "updated_at": {**MOMENT_OUT, "description": "Moves with every change shown here."},
        }
    )


OPENAPI: Schema = _document()
