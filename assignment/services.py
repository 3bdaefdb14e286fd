from django.db import transaction
from django.utils import timezone

from assignment.models import ManagerProfile, Presence, PresenceChange


def profile_get_or_create(*, user) -> ManagerProfile:
    return ManagerProfile.objects.get_or_create(user=user)[0]


@transaction.atomic
def presence_set(*, user, presence: str, reason: str = "") -> ManagerProfile:
    """Switch a manager's presence and keep the history; switching to the same value records nothing."""
    if presence not in Presence.values:
        raise ValueError(f"Unknown presence {presence!r}.")
    profile_get_or_create(user=user)
    profile = ManagerProfile.objects.select_for_update().get(user=user)
    if profile.presence == presence:
        return profile
    PresenceChange.objects.create(profile=profile, presence=presence, previous=profile.presence, reason=reason)
    profile.presence, profile.presence_since = presence, timezone.now()
    profile.save(update_fields=["presence", "presence_since"])
    return profile
