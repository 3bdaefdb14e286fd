from django.utils import timezone

from assignment.services import SEEN_EVERY, presence_note_activity
from core import roles

SESSION_KEY = "seen_at"


class ActivityMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity: activity renews the session (and a manager's
    last-seen time) at most once a minute, so browsing costs no write per request. The schedule sets a
    manager whose session expired Offline."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # An open page's push stream (EventSource) reconnects by itself: that is not the person doing anything.
        listening = request.headers.get("Accept") == "text/event-stream"
        if user is not None and user.is_authenticated and not listening:
            now = timezone.now()
            seen_at = request.session.get(SESSION_KEY, 0)
            if now.timestamp() - seen_at >= SEEN_EVERY.total_seconds():
                request.session[SESSION_KEY] = now.timestamp()  # saving the session renews its expiry
                if roles.has_presence(user):
                    presence_note_activity(user=user, now=now)
        return self.get_response(request)
