"""/healthz for load balancers and uptime checks: the database answers, the q2 schedules exist, and the q2
cluster's scheduler is alive (an every-minute schedule is never left more than a few minutes overdue)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_q.models import Schedule

from config.schedules import EVERY_MINUTE

# An every-minute schedule whose next run is this late means no cluster is picking schedules up.
CLUSTER_SILENT_AFTER = timedelta(minutes=3)


def desk_health() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"database": f"unreachable: {exc.__class__.__name__}"}
    names = [name for name, _ in EVERY_MINUTE]
    schedules = list(Schedule.objects.filter(name__in=names).values_list("name", "next_run"))
    missing = sorted(set(names) - {name for name, _ in schedules})
    late = [name for name, next_run in schedules if next_run and next_run < timezone.now() - CLUSTER_SILENT_AFTER]
    return {
        "database": "ok",
        "schedules": f"missing: {', '.join(missing)} (run sync_schedules)" if missing else "ok",
        "cluster": f"silent: {len(late)} schedule(s) overdue (is qcluster running?)" if late else "ok",
    }


@login_not_required
@never_cache
def healthz(request):
    checks = desk_health()
    healthy = all(value == "ok" for value in checks.values()) and len(checks) == 3
    return JsonResponse({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)
