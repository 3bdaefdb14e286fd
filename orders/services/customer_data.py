"""A customer's data on request: everything the desk holds about them as JSON, and anonymisation that keeps the
shop's orders and figures. The other apps add their part (messages, feedback) through the orders core's signals;
both are recorded in the audit trail."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.people import staff_name
from core.phrases import phrase, text_columns
from orders import signals
from orders.models import Customer, CustomerEvent, Order, SettingChange, Task, ZoneSource
from orders.services.audit import setting_change_record, setting_snapshot


def _orders(customer: Customer) -> list[dict[str, Any]]:
    orders = Order.objects.filter(customer=customer).prefetch_related("items", "events").order_by("created_at")
    return [
        {
            "number": order.number,
            "created_at": order.created_at.isoformat(),
            "status": order.status,
            "total": str(order.total),
            "payment_state": order.payment_state,
            "delivery_address": order.delivery_address,
            "comment": order.comment,
            "rating": order.rating,
            "items": [
                {"sku": i.sku, "name": i.name, "qty": i.qty, "price": str(i.price)} for i in order.items.all()
            ],
            "history": [
                {"at": e.created_at.isoformat(), "kind": e.kind, "text": e.text} for e in order.events.all()
            ],
        }
        for order in orders
    ]


def customer_export(*, customer: Customer, by: User | None) -> dict[str, Any]:
    """Everything about the customer, as JSON-ready data."""
    data: dict[str, Any] = {
        "customer": setting_snapshot(customer),
        "history_of_details": [
            {"at": event.created_at.isoformat(), "text": event.text}
            for event in CustomerEvent.objects.filter(customer=customer).order_by("created_at")
        ],
        "orders": _orders(customer),
        "tasks": [
            {"due_at": task.due_at.isoformat(), "kind": task.kind, "text": task.text}
            for task in Task.objects.filter(customer=customer).order_by("due_at")
        ],
    }
    for _, section in signals.customer_data_requested.send(sender=Customer, customer=customer):
        # django-stubs types a receiver's answer as str | None; these answer a dict of sections.
        data.update(section or {})  # type: ignore[arg-type]
    setting_change_record(
        obj=customer, actor=by, action=SettingChange.Action.EXPORTED, before={}, after={"sections": sorted(data)}
    )
    return data


@transaction.atomic
def customer_anonymise(*, customer: Customer, by: User | None) -> Customer:
    """Replace who the customer is (name, phone, email, addresses, notes about their details, their messages);
    keep the orders, items, statuses and figures the shop's accounts need."""
    before = setting_snapshot(customer)
    Customer.objects.filter(pk=customer.pk).update(
        name=f"Anonymised customer {customer.pk}",
        phone="",
        email=f"anonymised-{customer.pk}@example.invalid",
        timezone="",
        derived_timezone="",  # the place their address named goes with the address
        timezone_source=ZoneSource.SHOP,
        timezone_place="",
        is_vip=False,
    )
    # The address is part of the order as the storefront reads it: the orders changed (pollers see it gone).
    Order.objects.filter(customer=customer).update(delivery_address="", comment="", updated_at=timezone.now())
    CustomerEvent.objects.filter(customer=customer).delete()
    customer.refresh_from_db()
    CustomerEvent.objects.create(
        customer=customer,
        actor=by,
        **text_columns(phrase(gettext_noop("Anonymised on request by %(name)s."), name=staff_name(by)), 500),
    )
    signals.customer_anonymised.send(sender=Customer, customer=customer)
    setting_change_record(
        obj=customer,
        actor=by,
        action=SettingChange.Action.ANONYMISED,
        before={key: "(removed)" for key in ("name", "phone", "email") if before.get(key)},
        after=setting_snapshot(customer),
    )
    return customer
