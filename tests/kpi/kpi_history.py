"""A small hand-built KPI history on a frozen clock, shared by the KPI tests (the fixtures are in conftest)."""

from datetime import date, timedelta

import time_machine

from feedback.models import FeedbackRequest
from feedback.services import rating_receive
from tests.factories import msk

DAY = date(2026, 11, 20)


def at(hour, minute=0, day=DAY):
    return msk(day.year, day.month, day.day, hour, minute)


def rate(order, rating, when):
    request = FeedbackRequest.objects.get(order=order)
    FeedbackRequest.objects.filter(pk=request.pk).update(
        state="sent", sent_at=when, valid_until=when + timedelta(days=30)
    )
    with time_machine.travel(when, tick=False):
        rating_receive(request=request, rating=rating, source="sms")
