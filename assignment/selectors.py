from django.db.models import Count, Q

from assignment.models import ManagerProfile, RoutingSettings
from orders.roles import MANAGER


def team_profiles():
    """Profiles of active members of the Manager group: the people routing and the team view consider."""
    return ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER).select_related("user")


def team_load() -> list[ManagerProfile]:
    """Every manager with presence, open orders and quota, in one query (plus the settings row)."""
    default_quota = RoutingSettings.load().default_quota
    profiles = list(
        team_profiles()
        .annotate(open_orders=Count("user__orders", filter=Q(user__orders__is_final=False)))
        .order_by("presence", "user__first_name", "user__username")
    )
    for profile in profiles:
        profile.quota = profile.quota_or(default_quota)
        profile.load_percent = min(100, round(100 * profile.open_orders / profile.quota)) if profile.quota else 100
    return profiles
