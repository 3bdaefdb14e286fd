"""Staff as the desk names them."""

from django.contrib.auth.models import User


def staff_name(user: User | None, fallback: str = "—") -> str:
    """A member of staff as people call them: full name, else username; the fallback when there is nobody. The
    one rule for naming staff: the desk's `person` filter, admin's columns and choices, routing's explanations."""
    if user is None:
        return fallback
    return person_name(user.first_name, user.last_name, user.username)


def person_name(first_name: str, last_name: str, username: str) -> str:
    """`staff_name` from the plain values, for code that reads people without building users (routing)."""
    return f"{first_name} {last_name}".strip() or username
