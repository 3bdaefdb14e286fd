"""Who may take an order, and in which order to offer it: pure reading, no writes."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from orders.models import Order
from orders.roles import MANAGER

AWAY = {
    Presence.BUSY: "busy",
    Presence.LUNCH: "on lunch",
    Presence.BREAK: "on a break",
    Presence.OFFLINE: "offline",
}


@dataclass
class Candidate:
    profile: ManagerProfile
    open_orders: int
    quota: int
    idle_since: datetime

    @property
    def name(self) -> str:
        return self.profile.user.username


@dataclass
class Survey:
    eligible: list[Candidate]
    excluded: dict[str, str]
    granted: dict[int, Candidate]  # every manager granted the order, whatever their presence or load


def grant_refusal(grant, order: Order) -> str:
    """Why a manager's grant does not cover the order ('' when it does; no grant means everything)."""
    if grant is None:
        return ""
    shop_ids = [shop.pk for shop in grant.shops.all()]
    if shop_ids and order.shop_id not in shop_ids:
        return f"not granted shop {order.shop.code}"
    if grant.order_types and order.order_type not in grant.order_types:
        return f"not granted {order.get_order_type_display()} orders"
    if grant.methods and order.method not in grant.methods:
        return f"not granted method {order.get_method_display()}"
    if grant.regions and order.region not in grant.regions:
        return f"not granted region {order.region or '(none)'}"
    return ""


def survey(order: Order, settings: RoutingSettings) -> Survey:
    """Every manager, eligible or with the reason they are not, in a fixed number of queries."""
    profiles = list(
        ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER)
        .select_related("user", "user__access_grant")
        .prefetch_related("user__access_grant__shops")
        .order_by("pk")
    )
    user_ids = [profile.user_id for profile in profiles]
    open_counts = dict(
        Order.objects.filter(manager_id__in=user_ids, is_final=False)
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    last_assigned = dict(
        AssignmentDecision.objects.filter(manager_id__in=user_ids)
        .values("manager_id")
        .annotate(last=Max("created_at"))
        .values_list("manager_id", "last")
    )
    result = Survey(eligible=[], excluded={}, granted={})
    for profile in profiles:
        grant = getattr(profile.user, "access_grant", None)
        candidate = Candidate(
            profile=profile,
            open_orders=open_counts.get(profile.user_id, 0),
            quota=profile.quota_override if profile.quota_override is not None else settings.default_quota,
            idle_since=max(filter(None, [profile.presence_since, last_assigned.get(profile.user_id)])),
        )
        refusal = grant_refusal(grant, order)
        if refusal:
            result.excluded[candidate.name] = refusal
            continue
        result.granted[profile.user_id] = candidate
        if profile.presence != Presence.FREE:
            result.excluded[candidate.name] = AWAY[profile.presence]
        elif candidate.open_orders >= candidate.quota:
            result.excluded[candidate.name] = f"at quota ({candidate.open_orders}/{candidate.quota})"
        else:
            result.eligible.append(candidate)
    return result


def rank(order: Order, found: Survey) -> tuple[str, list[Candidate]]:
    """The rule that applies and the eligible managers in the order it offers them."""
    own = order.customer.responsible_manager_id
    if own is not None:
        mine = [c for c in found.eligible if c.profile.user_id == own]
        if mine:
            return AssignmentDecision.Rule.REPEAT, mine
    if order.customer.is_vip:
        return AssignmentDecision.Rule.VIP, sorted(
            found.eligible, key=lambda c: (-c.profile.experience, c.open_orders, c.idle_since)
        )
    return AssignmentDecision.Rule.EVEN_LOAD, sorted(found.eligible, key=lambda c: (c.open_orders, c.idle_since))
