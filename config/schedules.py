"""The django-q2 schedules of the whole desk, kept in one place and applied idempotently."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_q.models import Schedule

EVERY_MINUTE = [
    ("orders: flag and escalate overdue orders", "orders.tasks.sweep_overdue"),
    ("assignment: serve the unassigned queue", "assignment.tasks.serve_queue"),
    ("orders: remind people of tasks that fell due", "orders.tasks.remind_due_tasks"),
    # The name stays (schedules are kept by name); the pipeline carries out the triggers' steps on the order.
    ("notifications: fire triggers of orders that stayed too long", "desk.tasks.fire_stale_triggers"),
    ("notifications: send customer messages that are due", "notifications.tasks.send_due"),
    ("notifications: read customers' emails from the IMAP mailbox", "notifications.tasks.poll_imap"),
    ("feedback: ask for feedback, email where WhatsApp failed", "feedback.tasks.ask_for_feedback"),
    ("feedback: flag overdue claims", "feedback.tasks.flag_overdue_claims"),
]


# Once a day, half an hour after midnight on the desk's clock.
NIGHTLY = [
    ("kpi: roll up yesterday's KPIs (and days late data changed)", "kpi.tasks.roll_up_kpis"),
]
NIGHTLY_AT = time(0, 30)


def _next_night() -> datetime:
    now = timezone.localtime()
    moment = datetime.combine(now.date(), NIGHTLY_AT, tzinfo=now.tzinfo)
    return moment if moment > now else moment + timedelta(days=1)


def schedules_sync() -> list[str]:
    names = []
    for name, func in NIGHTLY:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.DAILY, "repeats": -1, "next_run": _next_night()},
        )
        names.append(name)
    for name, func in EVERY_MINUTE:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
        )
        names.append(name)
    return names
