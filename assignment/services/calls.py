"""Whom an incoming call rings, by routing's rules: the customer's own manager first, then the free managers the
shop is granted to, ranked as routing ranks them. A call is not a load: quotas do not bar a manager from the
phone, but a manager already on a call (ringing, talking, or dialling out) is never rung."""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from assignment.routing import Team, team_read
from assignment.routing.sql import TeamRow
from orders.models import CallLeg, Customer, PhoneCall, Shop

# A leg or a call out with no end this old lost its last callback: it no longer keeps its manager off the phone.
ON_CALL_AT_MOST = timedelta(hours=4)
# The customer's own manager is rung while Free, or Busy (at work, only not taking new orders).
OWN_MANAGER_PRESENCE = (Presence.FREE, Presence.BUSY)


def managers_on_call(user_ids: Collection[int], *, now: datetime) -> set[int]:
    """Those of `user_ids` on a call now: a leg of a call in still ringing or talking, or a call out not ended."""
    since = now - ON_CALL_AT_MOST
    legs = CallLeg.objects.filter(manager_id__in=user_ids, ended_at__isnull=True, started_at__gt=since)
    calls_out = PhoneCall.objects.filter(
        direction=PhoneCall.Direction.OUTBOUND,
        manager_id__in=user_ids,
        ended_at__isnull=True,
        started_at__gt=since,
    )
    mine = legs.order_by().values_list("manager_id", flat=True)
    return set(mine.union(calls_out.order_by().values_list("manager_id", flat=True)))


def _granted_shop(row: TeamRow, shop: Shop) -> bool:
    return row.grant is None or row.grant.shop_ids is None or shop.pk in row.grant.shop_ids


def _ranked(team: Team, *, shop: Shop, customer: Customer, free_only: bool) -> list[TeamRow]:
    """The managers the shop is granted to, in the order routing offers them work: the customer's own manager
    (Free or Busy) first, then the Free ones (VIP: most experienced first; then fewest open, longest idle)."""
    granted = [row for row in team.profiles if _granted_shop(row, shop)]
    own = [
        row
        for row in granted
        if row.user_id == customer.responsible_manager_id
        and (row.presence == Presence.FREE or (not free_only and row.presence in OWN_MANAGER_PRESENCE))
    ]
    others = [row for row in granted if row.presence == Presence.FREE and row not in own]
    if customer.is_vip:
        others.sort(key=lambda row: (-row.experience, team.load_of(row), row.idle_since))
    else:
        others.sort(key=lambda row: (team.load_of(row), row.idle_since))
    return own + others


def call_ring_pick(
    *, shop: Shop, customer: Customer, tried_user_ids: Collection[int], now: datetime | None = None
) -> User | None:
    """The manager an incoming call rings next (None: nobody can take it now), with somewhere to ring them (a
    phone or a SIP address), not yet rung by this call and not on a call. Run inside the transaction that writes
    the leg: the manager's profile row stays locked until it commits, and whether they are on a call is read
    again under the lock, so two calls at once never ring one manager."""
    assert transaction.get_connection().in_atomic_block, "the lock must last until the leg is written"
    now = now or timezone.now()
    ranked = [
        row
        for row in _ranked(team_read(), shop=shop, customer=customer, free_only=False)
        if row.user_id not in tried_user_ids
    ]
    reachable = set(
        ManagerProfile.objects.filter(pk__in=[row.pk for row in ranked])
        .exclude(phone="", sip="")
        .values_list("pk", flat=True)
    )
    busy = managers_on_call([row.user_id for row in ranked], now=now)
    for row in ranked:
        if row.pk not in reachable or row.user_id in busy:
            continue
        # One manager's lock at a time: a refused one's is released at once (the savepoint's rollback).
        tried = transaction.savepoint()
        locked = ManagerProfile.objects.select_for_update().filter(pk=row.pk).values("presence", "phone", "sip")
        profile = locked.first()
        allowed = OWN_MANAGER_PRESENCE if row.user_id == customer.responsible_manager_id else (Presence.FREE,)
        if (
            profile is not None
            and profile["presence"] in allowed
            and (profile["phone"] or profile["sip"])
            and not managers_on_call([row.user_id], now=now)  # read after the lock: sees every leg committed
        ):
            transaction.savepoint_commit(tried)
            return User.objects.select_related("manager_profile").get(pk=row.user_id)
        transaction.savepoint_rollback(tried)
    return None


def call_back_pick(*, shop: Shop, customer: Customer) -> User | None:
    """Routing's choice of a Free manager of the shop to call a customer back (no lock: a task is not a call)."""
    ranked = _ranked(team_read(), shop=shop, customer=customer, free_only=True)
    return User.objects.filter(pk=ranked[0].user_id).first() if ranked else None
