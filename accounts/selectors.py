"""What a member of staff chose for themselves."""

from django.contrib.auth.models import User

from accounts.models import StaffPreference


def staff_language(*, user: User) -> str:
    """The language the person chose, "" for the desk's default (also when they never chose)."""
    chosen: str | None = StaffPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or ""
