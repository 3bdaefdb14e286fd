"""Phone calls' own writes in the orders core: a customer's missed calls are called back."""

from datetime import datetime

from django.db import transaction

from orders.models import Customer, PhoneCall


@transaction.atomic
def phone_calls_called_back(*, customer: Customer, at: datetime) -> int:
    """The customer's missed calls not yet called back are, as of `at` (the dashboard stops counting them); how
    many."""
    return PhoneCall.objects.filter(
        customer=customer, missed_at__isnull=False, called_back_at__isnull=True
    ).update(called_back_at=at)
