from django.contrib.auth.signals import user_logged_out

from assignment.models import ManagerProfile, Presence
from assignment.services import presence_set


def on_logged_out(sender, request, user, **kwargs):
    """A manager who logs out receives no new orders."""
    if user is not None and ManagerProfile.objects.filter(user=user).exists():
        presence_set(user=user, presence=Presence.OFFLINE, reason="logged out")


def connect() -> None:
    user_logged_out.connect(on_logged_out, dispatch_uid="assignment.logged_out")
