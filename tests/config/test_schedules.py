"""Every q2 schedule names a function that exists; the every-minute check of "has stayed" triggers is the desk's,
so a trigger's steps on the order (task, hand-over, back to routing) run there as on a status change."""

from django.utils.module_loading import import_string

from config.schedules import EVERY_MINUTE, NIGHTLY


def test_every_scheduled_job_names_a_function_that_exists():
    for name, func in EVERY_MINUTE + NIGHTLY:
        assert callable(import_string(func)), name


def test_the_stale_trigger_check_runs_the_desks_pipeline():
    assert dict(EVERY_MINUTE)["notifications: fire triggers of orders that stayed too long"] == (
        "desk.tasks.fire_stale_triggers"
    )
