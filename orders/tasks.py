"""django-q2 entry points for the orders core."""

from orders.services import orders_escalate_overdue, orders_flag_overdue, tasks_remind_due


def sweep_overdue() -> dict:
    """Every minute: flag orders whose status clock ran out, then escalate those overdue past the grace."""
    return {"flagged": orders_flag_overdue(), "escalated": orders_escalate_overdue()}


def remind_due_tasks() -> int:
    """Every minute: a reminder to each person whose task has just fallen due."""
    return tasks_remind_due()
