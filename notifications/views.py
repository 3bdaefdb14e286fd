from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.models import Notification
from notifications.selectors import notification_list, notification_unread_count
from notifications.services import notification_mark_read, notifications_mark_all_read
from orders.pagination import paginate


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
        raise Http404("No such notification") from exc
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:list")


@require_POST
def notification_read_all_view(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


def notification_unread_count_view(request):
    """The bell's number, polled by the page so a manager hears of a new order without reloading."""
    return JsonResponse({"unread": notification_unread_count(user=request.user)})
