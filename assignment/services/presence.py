"""Presence: the navbar switch, its history, and managers set Offline when their session has expired."""

from datetime import datetime, timedelta

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from assignment.models import ManagerProfile, Presence, PresenceChange
from assignment.services.queue import queue_serve_after_commit

# A manager's activity is written at most this often, so browsing costs no extra writes.
SEEN_EVERY = timedelta(minutes=1)


def profile_get_or_create(*, user: User) -> ManagerProfile:
    return ManagerProfile.objects.get_or_create(user=user)[0]


@transaction.atomic
def presence_set(*, user: User, presence: str, reason: str = "") -> ManagerProfile:
    """Switch a manager's presence and keep the history; switching to the same value records nothing."""
    if presence not in Presence.values:
        raise ValueError(f"Unknown presence {presence!r}.")
    profile_get_or_create(user=user)
    profile = ManagerProfile.objects.select_for_update().get(user=user)
    if profile.presence == presence:
        return profile
    PresenceChange.objects.create(profile=profile, presence=presence, previous=profile.presence, reason=reason)
    profile.presence = presence
    profile.presence_since = profile.last_seen_at = timezone.now()
    profile.save(update_fields=["presence", "presence_since", "last_seen_at"])
    if presence == Presence.FREE:
        queue_serve_after_commit()
    return profile


@transaction.atomic
def profile_auto_dial_set(*, user: User, on: bool) -> ManagerProfile:
    """Seed 004's switch in the presence menu: with it on, an order entering a calling status is dialled at once
    (while the manager is Free, never in the customer's night)."""
    profile_get_or_create(user=user)
    profile = ManagerProfile.objects.select_for_update().get(user=user)
    if profile.auto_dial != on:
        profile.auto_dial = on
        profile.save(update_fields=["auto_dial"])
    return profile


def presence_logged_out(*, user: User) -> ManagerProfile | None:
    """A manager who logs out receives no new orders (anyone else logging out changes nothing)."""
    if not ManagerProfile.objects.filter(user=user).exists():
        return None
    return presence_set(user=user, presence=Presence.OFFLINE, reason=gettext_noop("logged out"))


def presence_note_activity(*, user: User, now: datetime | None = None) -> None:
    """The manager is using the desk (called at most once a minute per session)."""
    ManagerProfile.objects.filter(user=user).update(last_seen_at=now or timezone.now())


def presences_expire_idle(*, now: datetime | None = None) -> int:
    """Managers whose session has expired from inactivity are set Offline, as if they had logged out."""
    now = now or timezone.now()
    idle_since = now - timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    idle = ManagerProfile.objects.exclude(presence=Presence.OFFLINE).filter(last_seen_at__lt=idle_since)
    users = [profile.user for profile in idle.select_related("user")]
    for user in users:
        presence_set(user=user, presence=Presence.OFFLINE, reason=gettext_noop("session expired"))
    return len(users)
