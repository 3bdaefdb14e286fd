"""Routing: who may take an order and in which order to offer it (`rules`, pure), what it reads first (`reads`),
and its hand-written statements (`sql`). The public names stay here."""

from assignment.routing.reads import survey, team_read
from assignment.routing.rules import AWAY, Candidate, Survey, Team, at_quota, rank

__all__ = ["AWAY", "Candidate", "Survey", "Team", "at_quota", "rank", "survey", "team_read"]
