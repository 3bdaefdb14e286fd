"""Feedback's writes, one module per job; the public names stay importable from `feedback.services`."""

from feedback.services.claims import (
    claim_add_note,
    claim_inspectors_hear,
    claim_move,
    claim_open,
    claims_flag_overdue,
)
from feedback.services.ratings import (
    contact_answer,
    feedback_comment,
    feedback_forget,
    rating_credit,
    rating_parse,
    rating_receive,
    reply_rate,
    reply_receive,
)
from feedback.services.requests import (
    LINK_SALT,
    feedback_fallback,
    feedback_fallback_due,
    feedback_letter,
    feedback_on_delivery,
    feedback_plan,
    feedback_send_due,
    rating_link,
)

__all__ = [
    "feedback_forget",
    "LINK_SALT",
    "claim_add_note",
    "claim_inspectors_hear",
    "claim_move",
    "claim_open",
    "claims_flag_overdue",
    "contact_answer",
    "feedback_comment",
    "feedback_fallback",
    "feedback_fallback_due",
    "feedback_letter",
    "feedback_on_delivery",
    "feedback_plan",
    "feedback_send_due",
    "rating_credit",
    "rating_link",
    "rating_parse",
    "rating_receive",
    "reply_rate",
    "reply_receive",
]
