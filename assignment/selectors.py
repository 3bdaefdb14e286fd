from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, RoutingSettings
from orders.models import Task
from orders.roles import MANAGER

# Timeouts are counted over this window; this many or more marks a manager as letting orders slip.
TIMEOUT_WINDOW = timedelta(days=7)
REPEATED_TIMEOUTS = 2


def team_profiles():
    """Profiles of active members of the Manager group: the people routing and the team view consider."""
    return ManagerProfile.objects.filter(user__is_active=True, user__groups__name=MANAGER).select_related("user")


def team_load(*, now=None) -> list[ManagerProfile]:
    """Every manager with presence, open orders against quota, open and overdue tasks and recent acceptance
    timeouts, in three queries (plus the settings row)."""
    now = now or timezone.now()
    default_quota = RoutingSettings.load().default_quota
    profiles = list(
        team_profiles()
        .annotate(open_orders=Count("user__orders", filter=Q(user__orders__is_final=False)))
        .order_by("presence", "user__first_name", "user__username")
    )
    user_ids = [profile.user_id for profile in profiles]
    timeouts = dict(
        AssignmentDecision.objects.filter(manager_id__in=user_ids, timed_out_at__gte=now - TIMEOUT_WINDOW)
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    tasks = {
        row["assignee_id"]: row
        for row in Task.objects.filter(assignee_id__in=user_ids, done_at__isnull=True)
        .values("assignee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    }
    for profile in profiles:
        profile.open_tasks = tasks.get(profile.user_id, {}).get("open", 0)
        profile.overdue_tasks = tasks.get(profile.user_id, {}).get("overdue", 0)
        profile.timeouts = timeouts.get(profile.user_id, 0)
        profile.lets_orders_slip = profile.timeouts >= REPEATED_TIMEOUTS
        profile.quota = profile.quota_or(default_quota)
        profile.load_percent = min(100, round(100 * profile.open_orders / profile.quota)) if profile.quota else 100
    return profiles
