"""The calls on an order's and a customer's page: each call in or out with who, how long and what came of it, a
missed call with the managers it rang, and whether the reader may play its recording and voicemail. A fixed
number of queries however many calls and legs there are."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext

from calls.selectors.listening import CALL_LOADS, call_is_theirs, watches_shop
from core.people import staff_name
from orders.models import CallLeg, Customer, Order, PhoneCall

# The page lists the latest calls; the KPI drill-downs list them all.
CALLS_SHOWN = 20


@dataclass
class CallRow:
    call: PhoneCall
    legs: list[CallLeg]
    audible: bool  # the reader may play its recording and voicemail

    @property
    def missed_words(self) -> str:
        """ "Missed call 14:05 (rang Anna 20 s, Boris 20 s)": when the customer rang, on the page's clock."""
        call = self.call
        if call.missed_at is None:
            return ""
        at = time_format(timezone.localtime(call.started_at), "H:i")
        rang = [
            gettext("%(name)s %(seconds)s s") % {"name": staff_name(leg.manager), "seconds": leg.seconds or 0}
            for leg in self.legs
        ]
        if rang:
            return gettext("Missed call %(time)s (rang %(managers)s)") % {"time": at, "managers": ", ".join(rang)}
        return gettext("Missed call %(time)s (%(reason)s)") % {"time": at, "reason": call.get_missed_display()}

    @property
    def talk_time(self) -> str:
        """How long they talked, "2:05"."""
        seconds = self.call.duration
        return "" if not seconds else f"{seconds // 60}:{seconds % 60:02d}"


@dataclass
class CallList:
    rows: list[CallRow]
    more: bool  # older calls not listed


def _listed(calls: QuerySet[PhoneCall], *, user: User) -> CallList:
    legs = Prefetch("legs", queryset=CallLeg.objects.select_related("manager").order_by("started_at", "pk"))
    found = list(
        calls.select_related("manager", "callback_task__assignee", *CALL_LOADS)
        .prefetch_related(legs)
        .order_by("-started_at", "-pk")[: CALLS_SHOWN + 1]
    )
    # A customer's calls all came to their shop's numbers: one query, or none for a manager.
    watched = {shop_id for shop_id in {call.shop_id for call in found} if watches_shop(user=user, shop_id=shop_id)}
    rows = [
        CallRow(call, list(call.legs.all()), call.shop_id in watched or call_is_theirs(user=user, call=call))
        for call in found[:CALLS_SHOWN]
    ]
    return CallList(rows, more=len(found) > CALLS_SHOWN)


def calls_of_order(*, order: Order, user: User) -> CallList:
    return _listed(PhoneCall.objects.filter(order=order), user=user)


def calls_of_customer(*, customer: Customer, user: User) -> CallList:
    return _listed(PhoneCall.objects.filter(customer=customer), user=user)
