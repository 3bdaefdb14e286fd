"""django-q2 entry points: each only calls a service."""

from feedback.services import claims_flag_overdue, feedback_send_due


def ask_for_feedback() -> int:
    return feedback_send_due()


def flag_overdue_claims() -> int:
    return claims_flag_overdue()
