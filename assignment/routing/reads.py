"""What routing reads before its rules decide: the team (`sql`'s statements and the settings row) and who let
an order or a conversation time out lately."""

from datetime import datetime

from django.db.models import Max

from assignment.models import RoutingSettings
from assignment.routing import rules
from assignment.routing.routables import Routable
from assignment.routing.rules import Survey, Team
from assignment.routing.sql import routing_team


def team_read(settings: RoutingSettings | None = None) -> Team:
    return Team(settings=settings or RoutingSettings.load(), profiles=routing_team())


def survey(routed: Routable, team: Team, now: datetime, *, fresh: bool = False) -> Survey:
    """Every manager, eligible or with the reason they are not (`rules.survey`), from the team as read plus one
    query (none for a `fresh` order or conversation, created in this transaction: nobody can have let it time
    out)."""
    # Whoever let this very order time out comes after everyone else for a cooling-off time; never a ban, so an
    # order does not wait in the queue while the only free manager with room is the one who let it slip.
    slipped = (
        {}
        if fresh
        else dict(
            routed.decisions()
            .filter(timed_out_at__isnull=False, timed_out_at__gt=now - team.settings.timeout_cooloff)
            .values("manager_id")
            .annotate(last=Max("timed_out_at"))
            .values_list("manager_id", "last")
        )
    )
    return rules.survey(routed, team, slipped=slipped)
