"""Routing's part of the order page: by when the manager must take the order up, and why it went to them.
Both read the history the page already holds, so they cost no query."""

from django import template

from assignment.routing.rules import reason_shown
from assignment.selectors import (
    assignment_decision_of,
    assignment_latest,
    assignment_take_up_by,
    conversation_decision,
    queue_waiting,
)

register = template.Library()


@register.inclusion_tag("assignment/_take_up.html", takes_context=True)
def take_up_notice(context, order, history):
    return {
        "order": order,
        "user": context["user"],
        "take_up_by": assignment_take_up_by(order=order, history=history),
    }


@register.inclusion_tag("assignment/_why_assigned.html")
def why_assigned(history):
    """The latest change of hands and, when routing made it, its decision (one query)."""
    event = assignment_latest(history=history)
    return {"why_assigned": event, "decision": assignment_decision_of(event=event)}


@register.inclusion_tag("assignment/_why_assigned.html")
def conversation_why_assigned(conversation):
    """Why the conversation's manager has it, as an order's page says it: the rule that decided, who was
    considered and who was passed over (one query)."""
    decision = conversation_decision(conversation=conversation)
    return {"why_assigned": decision, "decision": decision}


@register.inclusion_tag("assignment/_queue_take.html", takes_context=True)
def waiting_queue(context, limit: int = 10):
    """The orders and conversations waiting for a manager that this manager could take themselves."""
    return {
        "waiting": queue_waiting(user=context["user"], limit=limit),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def routing_reason(stored: str) -> str:
    """Why a decision passed a manager over, or a candidate's note, in the reader's language."""
    return reason_shown(stored)
