from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, RoutingSettings
from orders.roles import MANAGER

# Timeouts are counted over this window; this many or more marks a manager as letting orders slip.
TIMEOUT_WINDOW = timedelta(days=7)
REPEATED_TIMEOUTS = 2


def team_profiles():
    """Profiles of active members of the Manager group: the people routing and the team view consider."""
    return ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER).select_related("user")


def team_load(*, now=None) -> list[ManagerProfile]:
    """Every manager with presence, open orders against quota and recent acceptance timeouts, in two queries
    (plus the settings row)."""
    default_quota = RoutingSettings.load().default_quota
    profiles = list(
        team_profiles()
        .annotate(open_orders=Count("user__orders", filter=Q(user__orders__is_final=False)))
        .order_by("presence", "user__first_name", "user__username")
    )
    timeouts = dict(
        AssignmentDecision.objects.filter(
            manager_id__in=[profile.user_id for profile in profiles],
            timed_out_at__gte=(now or timezone.now()) - TIMEOUT_WINDOW,
        )
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    for profile in profiles:
        profile.timeouts = timeouts.get(profile.user_id, 0)
        profile.lets_orders_slip = profile.timeouts >= REPEATED_TIMEOUTS
        profile.quota = profile.quota_or(default_quota)
        profile.load_percent = min(100, round(100 * profile.open_orders / profile.quota)) if profile.quota else 100
    return profiles
