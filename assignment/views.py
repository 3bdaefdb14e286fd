from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assignment.forms import PresenceForm
from assignment.models import Presence
from assignment.services import conversation_take, order_take, presence_set, profile_auto_dial_set
from core import roles
from core.exceptions import DeskError
from core.http import redirect_back, role_required
from orders.models import Conversation
from orders.selectors import (
    order_get_for_user,
    shop_scope,
)

# What a manager is told after switching their presence.
PRESENCE_SAID = {
    Presence.FREE: _("You are free: new orders come to you."),
    Presence.BUSY: _("You are busy: new orders go to others for now."),
    Presence.LUNCH: _("You are on lunch."),
    Presence.BREAK: _("You are on a break."),
    Presence.OFFLINE: _("You are offline."),
}


@require_POST
@role_required(roles.has_presence, _("Only managers have a presence."))
def presence_view(request):
    form = PresenceForm(request.POST)
    if form.is_valid():
        profile = presence_set(user=request.user, presence=form.cleaned_data["presence"])
        messages.success(request, PRESENCE_SAID[Presence(profile.presence)])
    else:
        messages.error(request, gettext("Choose Free, Busy, Lunch, Break or Offline."))
    return redirect_back(request, "orders:list")


@require_POST
@role_required(roles.has_presence, _("Only managers have a presence."))
def auto_dial_view(request):
    """The presence menu's "Auto-dial" switch."""
    profile = profile_auto_dial_set(user=request.user, on=request.POST.get("auto_dial") == "on")
    if profile.auto_dial:
        messages.success(
            request,
            gettext(
                "Auto-dial is on: an order entering a calling status rings your phone at once while you are "
                "Free (never in the customer's night)."
            ),
        )
    else:
        messages.success(request, gettext("Auto-dial is off: such orders wait in Next for you to call."))
    return redirect_back(request, "orders:list")


@require_POST
@role_required(roles.can_take_from_queue, _("Only managers take orders from the queue."))
def order_take_view(request, pk: int):
    """ "Take it" on the queue: a manager takes a waiting order they are granted, if they have room."""
    order = order_get_for_user(user=request.user, pk=pk)
    try:
        order_take(order_id=order.pk, user=request.user)
    except DeskError as exc:
        messages.error(request, str(exc))
        return redirect_back(request, "orders:list")
    messages.success(request, gettext("Order %(number)s is yours.") % {"number": order.number})
    return redirect("orders:detail", pk=order.pk)


@require_POST
@role_required(roles.can_take_from_queue, _("Only managers take orders from the queue."))
def conversation_take_view(request, pk: int):
    """ "Take it" on a waiting conversation: a manager takes one of a shop they are granted, if they have room."""
    conversation = get_object_or_404(Conversation, pk=pk, shop__in=shop_scope(request.user))
    try:
        conversation_take(conversation_id=conversation.pk, user=request.user)
    except DeskError as exc:
        messages.error(request, str(exc))
        return redirect_back(request, "orders:list")
    messages.success(
        request,
        gettext("The conversation with %(customer)s is yours.") % {"customer": _customer_said(conversation)},
    )
    return redirect_back(request, "orders:list")


def _customer_said(conversation: Conversation) -> str:
    customer = conversation.customer
    return customer.name or customer.phone or customer.email
