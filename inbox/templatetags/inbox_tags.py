"""The conversation's thread on its page: the messages and the form to answer, drawn as the order page's."""

from django import template
from django.urls import reverse

from notifications.selectors import conversation
from notifications.templatetags.notifications_tags import message_thread

register = template.Library()


@register.inclusion_tag("notifications/_conversation.html", takes_context=True)
def conversation_thread(context, thread, *, heading: str, can_write: bool):
    """Oldest first, as a thread reads; the answer goes the way the customer last wrote."""
    timeline = conversation(thread=thread)
    wrote = next((message.channel for message in timeline if message.is_inbound), "")
    return message_thread(
        context,
        customer=thread.customer,
        channel=wrote,
        timeline=list(reversed(timeline)),
        action=reverse("inbox:reply", args=[thread.pk]),
        can_write=can_write,
        heading=heading,
    )
