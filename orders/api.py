"""The storefront intake API: JSON in, JSON out, authenticated by the shop's key."""

import json
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.people import staff_name
from orders.api_forms import (
    EXTERNAL_ID_LENGTH,
    DeliveryForm,
    IntakeCustomerForm,
    IntakeItemForm,
    IntakeOrderForm,
    OrderChangesForm,
    PaymentForm,
)
from orders.exceptions import IntakeConflict, PaymentConflict
from orders.models import Order, Shop
from orders.openapi import OPENAPI
from orders.selectors import order_changes, order_documents
from orders.services import (
    SLOT_FIELDS,
    api_key_authenticate,
    api_rate_take,
    order_create,
    order_record_delivery,
    order_record_payment,
)


def _shop_for(request) -> Shop | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return api_key_authenticate(raw_key=key.strip())


def _body(request):
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _errors(form) -> dict:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def _order_json(order: Order) -> dict:
    return {
        "number": order.number,
        "external_id": order.external_id,
        "status": order.status,
        "manager": staff_name(order.manager) if order.manager is not None else None,
        "payment_state": order.payment_state,
    }


def _unauthorized():
    response = JsonResponse({"error": "Missing or wrong API key."}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="orderdesk"'
    return response


def _keyed(view):
    """Key-authenticated (401; a staff session is no key) and rate-limited per shop (429 with Retry-After); the
    view gets the shop. Answers in English whatever the desk's language: developers read them."""

    @wraps(view)
    def endpoint(request, *args, **kwargs):
        with translation.override("en"):
            shop = _shop_for(request)
            if shop is None:
                return _unauthorized()
            retry_after = api_rate_take(shop=shop)
            if retry_after is not None:
                response = JsonResponse({"error": "Too many requests: slow down and retry later."}, status=429)
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, shop, *args, **kwargs)

    return endpoint


def storefront_endpoint(view):
    """POST-only, key-authenticated (401), JSON-object body (400); the view gets the shop and the body."""

    @csrf_exempt
    @login_not_required
    @require_POST
    @_keyed
    @wraps(view)
    def endpoint(request, shop: Shop, *args, **kwargs):
        body = _body(request)
        if body is None:
            return JsonResponse({"error": "The body must be a JSON object."}, status=400)
        return view(request, shop, body, *args, **kwargs)

    return endpoint


def storefront_read(view):
    """GET-only, key-authenticated and rate-limited as the other storefront endpoints; the view gets the shop."""
    return login_not_required(require_GET(_keyed(view)))


@storefront_endpoint
def order_intake(request, shop: Shop, body: dict):
    order_form = IntakeOrderForm(body)
    customer_form = IntakeCustomerForm(body.get("customer") if isinstance(body.get("customer"), dict) else {})
    raw_items = body.get("items")
    errors = {}
    if not order_form.is_valid():
        errors.update(_errors(order_form))
    if not customer_form.is_valid():
        errors["customer"] = _errors(customer_form)
    if not isinstance(raw_items, list) or not raw_items:
        errors["items"] = ["Give at least one item."]
    else:
        item_forms = [IntakeItemForm(item if isinstance(item, dict) else {}) for item in raw_items]
        item_errors = [_errors(form) if not form.is_valid() else {} for form in item_forms]
        if any(item_errors):
            errors["items"] = item_errors
    if errors:
        return JsonResponse({"error": "Invalid order.", "fields": errors}, status=400)

    data = order_form.cleaned_data
    try:
        order, created = order_create(
            shop=shop,
            external_id=data["external_id"],
            customer=customer_form.service_kwargs(),
            items=[form.cleaned_data for form in item_forms],
            method=data["method"] or Order.Method.CART,
            region=data["region"],
            comment=data["comment"],
            delivery_address=data["delivery_address"],
            **{field: data[field] for field in SLOT_FIELDS},
        )
    except ValidationError as exc:
        return JsonResponse({"error": "Invalid order.", "fields": exc.message_dict}, status=400)
    except IntakeConflict as exc:
        return JsonResponse({"error": str(exc), "number": exc.order.number, "differing": exc.fields}, status=409)
    return _order_answer(order, status=201 if created else 200)


def _shop_orders(shop: Shop, external_id: str) -> QuerySet[Order]:
    """The shop's order by the storefront's id (none for another shop's); none for an id intake never takes (too
    long, or with a NUL character, which PostgreSQL would refuse in the query)."""
    if len(external_id) > EXTERNAL_ID_LENGTH or "\x00" in external_id:
        return Order.objects.none()
    return Order.objects.filter(shop=shop, external_id=external_id)


def _unknown_order(external_id: str) -> JsonResponse:
    return JsonResponse({"error": f"No order {external_id!r} in this shop."}, status=404)


def order_event_endpoint(form_class, what: str):
    """An event about one of the shop's orders (payment, delivery): the order found by its external_id (404 if
    the shop has none), the body validated (400 with field errors), then the view records it."""

    def decorate(view):
        @storefront_endpoint
        @wraps(view)
        def endpoint(request, shop: Shop, body: dict, external_id: str):
            order = _shop_orders(shop, external_id).first()
            if order is None:
                return _unknown_order(external_id)
            form = form_class(body)
            if not form.is_valid():
                return JsonResponse({"error": f"Invalid {what}.", "fields": _errors(form)}, status=400)
            return view(request, order, form.cleaned_data)

        return endpoint

    return decorate


def _order_answer(order: Order, *, status: int = 200) -> JsonResponse:
    """The order as the service left it: every write to it went through this instance, so no read again."""
    return JsonResponse(_order_json(order), status=status)


@order_event_endpoint(PaymentForm, "payment")
def order_payment(request, order: Order, data: dict):
    """`amount` is this payment's money: paid and partly_paid add it (the order is paid once its total is
    covered), refunded takes it back, failed records the failure. A `payment_id` already recorded is a retry:
    200 and nothing new; with another state or amount, 409 naming them (`differing`)."""
    try:
        return _order_answer(order_record_payment(order=order, **data))
    except PaymentConflict as exc:
        return JsonResponse({"error": str(exc), "differing": exc.fields}, status=409)


@order_event_endpoint(DeliveryForm, "delivery event")
def order_delivery(request, order: Order, data: dict):
    """A carrier's report about the order's parcel; the same report again answers 200 with nothing new."""
    _, created = order_record_delivery(order=order, **data)
    # The report may have moved the order on (delivered, returned) through a locked copy of its own.
    return _order_answer(Order.objects.select_related("manager").get(pk=order.pk), status=201 if created else 200)


@storefront_read
def order_status(request, shop: Shop, external_id: str):
    """The order as the storefront sees it (orders.selectors.documents); another shop's order is none (404)."""
    documents = order_documents(_shop_orders(shop, external_id))
    return JsonResponse(documents[0]) if documents else _unknown_order(external_id)


@storefront_read
def order_changes_list(request, shop: Shop):
    """The shop's orders changed since a moment, a page at a time, oldest change first."""
    form = OrderChangesForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "Invalid query.", "fields": _errors(form)}, status=400)
    data = form.cleaned_data
    page = order_changes(shop=shop, since=data["updated_since"], after=data["cursor"], limit=data["limit"])
    return JsonResponse({"orders": page.documents, "next_cursor": page.next_cursor})


def _by_method(**views):
    """One URL, a view per method (the orders collection: GET lists changes, POST takes an order in)."""

    @csrf_exempt
    @login_not_required
    def endpoint(request, *args, **kwargs):
        view = views.get(request.method)
        if view is None:
            return HttpResponseNotAllowed(list(views))
        return view(request, *args, **kwargs)

    return endpoint


orders_collection = _by_method(GET=order_changes_list, POST=order_intake)


@login_not_required
@require_GET
def openapi_document(request):
    """The storefront API's OpenAPI document (orders.openapi): no key needed."""
    return JsonResponse(OPENAPI)


@csrf_exempt
@login_not_required
def not_found(request, rest: str):
    """Any other address under /api/: a JSON 404 a developer can read (never the desk's HTML page)."""
    hint = " (the API's addresses end with a slash)" if not request.path.endswith("/") else ""
    return JsonResponse({"error": f"No such API address: {request.path}{hint}."}, status=404)
