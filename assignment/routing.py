"""Who may take an order, and in which order to offer it: pure reading, no writes."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from assignment.selectors import open_orders_by_manager, team_profiles
from orders.models import Order

AWAY = {
    Presence.BUSY: "busy",
    Presence.LUNCH: "on lunch",
    Presence.BREAK: "on a break",
    Presence.OFFLINE: "offline",
}


def at_quota(open_orders: int, quota: int) -> str:
    return f"at quota ({open_orders}/{quota})"


@dataclass
class Candidate:
    profile: ManagerProfile
    open_orders: int
    quota: int
    idle_since: datetime
    # When this manager let this very order time out, within the cooling-off time: others are offered it first.
    slipped_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.profile.user.username


@dataclass
class Survey:
    eligible: list[Candidate]
    excluded: dict[str, str]
    granted: dict[int, Candidate]  # every manager granted the order, whatever their presence or load


def survey(order: Order, settings: RoutingSettings, now: datetime) -> Survey:
    """Every manager, eligible or with the reason they are not, in a fixed number of queries."""
    profiles = list(
        team_profiles()
        .select_related("user__access_grant")
        .prefetch_related("user__access_grant__shops")
        .order_by("pk")
    )
    user_ids = [profile.user_id for profile in profiles]
    open_counts = open_orders_by_manager(user_ids)
    # Whoever let this very order time out comes after everyone else for a cooling-off time; never a ban, so an
    # order does not wait in the queue while the only free manager with room is the one who let it slip.
    slipped = dict(
        AssignmentDecision.objects.filter(
            order=order, timed_out_at__isnull=False, timed_out_at__gt=now - settings.timeout_cooloff
        )
        .values("manager_id")
        .annotate(last=Max("timed_out_at"))
        .values_list("manager_id", "last")
    )
    result = Survey(eligible=[], excluded={}, granted={})
    for profile in profiles:
        candidate = Candidate(
            profile=profile,
            open_orders=open_counts.get(profile.user_id, 0),
            quota=profile.quota_or(settings.default_quota),
            idle_since=max(filter(None, [profile.presence_since, profile.last_assigned_at])),
            slipped_at=slipped.get(profile.user_id),
        )
        grant = getattr(profile.user, "access_grant", None)  # no grant: everything
        refusal = grant.refusal_for(order) if grant else ""
        if refusal:
            result.excluded[candidate.name] = refusal
            continue
        result.granted[profile.user_id] = candidate
        if profile.presence != Presence.FREE:
            result.excluded[candidate.name] = AWAY[profile.presence]
        elif candidate.open_orders >= candidate.quota:
            result.excluded[candidate.name] = at_quota(candidate.open_orders, candidate.quota)
        else:
            result.eligible.append(candidate)
    return result


def rank(order: Order, found: Survey) -> tuple[str, list[Candidate]]:
    """The rule that applies and the eligible managers in the order it offers them; a manager who let this order
    time out lately comes last, whatever the rule."""
    own = order.customer.responsible_manager_id
    if own is not None:
        mine = [c for c in found.eligible if c.profile.user_id == own and c.slipped_at is None]
        if mine:
            return AssignmentDecision.Rule.REPEAT, mine
    if order.customer.is_vip:
        return AssignmentDecision.Rule.VIP, sorted(
            found.eligible,
            key=lambda c: (c.slipped_at is not None, -c.profile.experience, c.open_orders, c.idle_since),
        )
    return AssignmentDecision.Rule.EVEN_LOAD, sorted(
        found.eligible, key=lambda c: (c.slipped_at is not None, c.open_orders, c.idle_since)
    )
