"""django-q2 entry points of the pipeline: each only calls a flow."""

from desk.flows import stale_triggers_fire


def fire_stale_triggers() -> int:
    return stale_triggers_fire()
