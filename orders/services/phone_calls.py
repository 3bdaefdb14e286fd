"""Missed phone calls that have been answered by a call back: the dashboard stops showing them and the KPIs count
how long the customer waited."""

from datetime import datetime

from django.db import transaction

from orders.models import Customer, PhoneCall


@transaction.atomic
def phone_calls_called_back(*, customer: Customer, at: datetime) -> int:
    """Mark the customer's missed calls not yet called back as called back at `at` (a call placed to them, a call
    outcome typed on their order, their call-back task done); calls missed after `at` stay open. How many."""
    return PhoneCall.objects.filter(
        customer=customer, missed_at__isnull=False, missed_at__lte=at, called_back_at__isnull=True
    ).update(called_back_at=at)
