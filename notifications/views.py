from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from core import roles
from core.exceptions import DeskError
from core.http import form_errors, role_required
from core.pagination import paginate
from notifications.forms import MessageForm, PaymentLinkForm
from notifications.models import Notification
from notifications.selectors import attachment_get_for_user, notification_list, notification_unread_count
from notifications.services import (
    message_preview,
    message_write,
    notification_mark_read,
    notifications_mark_all_read,
    payment_link_send,
)
from orders.selectors import order_get_for_user
from orders.views.orders import WORK_ORDERS, render_order_page


def notification_list_view(request):
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, notification_list(user=request.user, unread_only=unread_only), per_page=30)
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@require_POST
def notification_open_view(request, pk: int):
    """Mark one notification read and follow its link (or come back to the list)."""
    try:
        notification = notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404(gettext("No such notification")) from exc
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:list")


@require_POST
def notification_read_all_view(request):
    count = notifications_mark_all_read(user=request.user)
    said = ngettext("Marked %(count)s notification as read.", "Marked %(count)s notifications as read.", count)
    messages.success(request, said % {"count": count})
    return redirect("notifications:list")


def notification_unread_count_view(request):
    """The bell's number, polled by the page so a manager hears of a new order without reloading."""
    return JsonResponse({"unread": notification_unread_count(user=request.user)})


def message_send(request, *, page: Callable[[dict], HttpResponse], back: str, **about) -> HttpResponse:
    """The message form posted about an order or a conversation (`about`: `order=` or `conversation=`): a
    template's text is shown before it goes ("Preview", or Send with a template not yet shown, previews), a
    refused message comes back as typed on the page it came from (`page(extra)`), a sent one goes back to `back`
    with its channel kept."""
    form = MessageForm(request.POST)
    if form.is_valid():
        fields = {key: form.cleaned_data[key] for key in ("channel", "body", "template")}
        try:
            if "preview" in request.POST or not form.seen_template:
                preview = message_preview(**about, **fields)
                response = page({"message_form": form, "message_preview": preview})
                response.status_code = 200  # a preview is not a refusal
                return response
            message = message_write(**about, by=request.user, **fields)
        except DeskError as exc:
            form.add_error(None, str(exc))
        else:
            if message.state == message.State.HELD:
                messages.success(
                    request,
                    gettext("Message queued; it goes at %(time)s customer time.")
                    % {"time": f"{message.held_until:%H:%M}"},
                )
            else:
                messages.success(request, gettext("Message queued."))
            # The next message most likely goes the same way: the form keeps the channel.
            return redirect(f"{back}?{urlencode({'channel': fields['channel']})}#conversation")
    messages.error(request, form_errors(form))
    return page({"message_form": form})


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def order_payment_link_view(request, pk: int):
    """Send the customer the order's payment link through the outbox; a refusal says why."""
    order = order_get_for_user(user=request.user, pk=pk)
    form = PaymentLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose SMS, WhatsApp or email."))
        return redirect("orders:detail", pk=pk)
    try:
        message = payment_link_send(order=order, by=request.user, channel=form.cleaned_data["channel"])
    except DeskError as exc:
        messages.error(request, str(exc))
    else:
        if message.state == message.State.HELD:
            messages.success(
                request,
                gettext("Payment link queued; it goes at %(time)s customer time.")
                % {"time": f"{message.held_until:%H:%M}"},
            )
        else:
            messages.success(request, gettext("Payment link queued."))
    return redirect(f"{reverse('orders:detail', args=[order.pk])}#conversation")


@require_POST
@role_required(roles.can_work_orders, WORK_ORDERS)
def order_message_view(request, pk: int):
    """A manager writes to the order's customer through the outbox."""
    order = order_get_for_user(user=request.user, pk=pk)
    return message_send(
        request,
        page=lambda extra: render_order_page(request, order, extra=extra),
        back=reverse("orders:detail", args=[order.pk]),
        order=order,
    )


def attachment_view(request, pk: int):
    """A customer's email attachment, streamed to staff who may see its order or its customer (never a public
    media URL); always downloaded, never shown inline."""
    attachment = attachment_get_for_user(user=request.user, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
