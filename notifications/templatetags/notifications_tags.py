"""Messaging's part of the order and customer pages: the conversation with the customer and the form to write."""

from django import template
from django.urls import reverse

from core import roles
from notifications.forms import MessageForm, PaymentLinkForm
from notifications.models import Channel, MessagingSettings
from notifications.selectors import conversation, messages_counted_today, opt_outs
from orders.payment_links import payment_link_refusal

register = template.Library()


def message_thread(
    context, *, customer, timeline, action: str, can_write: bool, heading: str = "", channel: str = ""
) -> dict:
    """What notifications/_conversation.html draws: the messages with a customer and the form to write to them,
    which posts to `action` (an order's, a conversation's, a claim's message view), on `channel` unless the
    address says another."""
    # After a message goes, the page comes back with its channel chosen (?channel=): the next one likely
    # goes the same way.
    channel = context["request"].GET.get("channel") or channel
    return {
        "customer": customer,
        "heading": heading,
        "timeline": timeline,
        "opt_outs": opt_outs(customer=customer),
        "action": action,
        "form": context.get("message_form")
        or MessageForm(initial={"channel": channel} if channel in Channel.values else None),
        "preview": context.get("message_preview"),
        "can_write": can_write,
        "csrf_token": context.get("csrf_token"),
        "user": context["user"],
    }


@register.inclusion_tag("notifications/_payment_link.html", takes_context=True)
def payment_link_form(context, order):
    """ "Send payment link" on the order page, for those who work orders, when the order has one to send."""
    customer = order.customer
    return {
        "order": order,
        "shown": roles.can_work_orders(context["user"]) and not order.is_final and not payment_link_refusal(order),
        "form": PaymentLinkForm(initial={"channel": Channel.SMS if customer.phone else Channel.EMAIL}),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/_conversation.html", takes_context=True)
def customer_conversation(context, order):
    return message_thread(
        context,
        customer=order.customer,
        timeline=conversation(order=order),
        action=reverse("notifications:order_message", args=[order.pk]),
        can_write=roles.can_work_orders(context["user"]),
    )


@register.inclusion_tag("notifications/_conversation.html", takes_context=True)
def customer_thread(context, customer, *, action: str, can_write: bool):
    """All of a customer's messages, their orders' and their conversations' as one timeline, with the form to
    write to them posting to `action` (the claim page's)."""
    return message_thread(
        context,
        customer=customer,
        timeline=conversation(customer=customer, limit=30),
        action=action,
        can_write=can_write,
    )


@register.inclusion_tag("notifications/_customer_messages.html")
def customer_messages(customer):
    return {
        "timeline": conversation(customer=customer, limit=30),
        "opt_outs": opt_outs(customer=customer),
        "today": messages_counted_today(customer=customer),
        "cap": MessagingSettings.load().daily_cap,
    }
