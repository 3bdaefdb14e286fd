"""Feedback's part of the dashboard: open claims and the replies that need a person."""

from django import template

from feedback.selectors import claims_at_a_glance

register = template.Library()


@register.inclusion_tag("dashboard/_claims.html", takes_context=True)
def claims_panel(context):
    return {"glance": claims_at_a_glance(user=context["user"])}
