"""Staff roles are Django groups (created by a data migration); admins are staff/superusers."""

MANAGER = "Manager"
SUPERVISOR = "Supervisor"
INSPECTOR = "Inspector"
ALL_ROLES = (MANAGER, SUPERVISOR, INSPECTOR)
# Who may take a step of the status matrix whose group list is empty.
ORDER_WORKERS = (MANAGER, SUPERVISOR)


def user_roles(user) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_orderdesk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._orderdesk_roles = cached
    return cached


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.is_staff)


def is_supervisor(user) -> bool:
    return is_admin(user) or SUPERVISOR in user_roles(user)


def is_manager(user) -> bool:
    return MANAGER in user_roles(user)


def can_work_orders(user) -> bool:
    """Managers and supervisors work orders (statuses, calls, notes, tasks); inspectors only read them."""
    return is_admin(user) or bool(user_roles(user) & set(ORDER_WORKERS))


def is_inspector(user) -> bool:
    return INSPECTOR in user_roles(user)


def staff_name(user, fallback: str = "—") -> str:
    """A member of staff as people call them: full name, else username; the fallback when there is nobody. The
    one rule for naming staff: the desk's `person` filter, admin's columns and choices, routing's explanations."""
    if user is None:
        return fallback
    return person_name(user.first_name, user.last_name, user.username)


def person_name(first_name: str, last_name: str, username: str) -> str:
    """`staff_name` from the plain values, for code that reads people without building users (routing)."""
    return f"{first_name} {last_name}".strip() or username
