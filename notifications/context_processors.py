from notifications.selectors import notification_unread_count


def unread_notifications(request):
    """The bell's unread count, one cheap indexed count per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}
