"""Routing: who may take an order and in which order to offer it (`rules`); the public names stay here."""

from assignment.routing.rules import AWAY, Candidate, Survey, Team, at_quota, rank, survey, team_read

__all__ = ["AWAY", "Candidate", "Survey", "Team", "at_quota", "rank", "survey", "team_read"]
