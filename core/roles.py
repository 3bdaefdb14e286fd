"""Who a person is on the desk and what they may do.

Roles are Django groups (created by an orders data migration); admins are staff or superusers, a role of their
own. `is_<role>` says only whether the person holds that role; `can_<do>` says what a person may do, and is
the one place that says which roles (admins included or not) may do it. Views ask the `can_` predicates,
through `core.http.role_required`."""

from django.contrib.auth.models import AnonymousUser, User

MANAGER = "Manager"
SUPERVISOR = "Supervisor"
INSPECTOR = "Inspector"
ALL_ROLES = (MANAGER, SUPERVISOR, INSPECTOR)
# Who may take a step of the status matrix whose group list is empty.
ORDER_WORKERS = (MANAGER, SUPERVISOR)

Person = User | AnonymousUser


def user_roles(user: Person) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_orderdesk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._orderdesk_roles = cached  # type: ignore[attr-defined]
    return cached


def is_admin(user: Person) -> bool:
    return user.is_authenticated and (user.is_superuser or user.is_staff)


def is_manager(user: Person) -> bool:
    return MANAGER in user_roles(user)


def is_supervisor(user: Person) -> bool:
    return SUPERVISOR in user_roles(user)


def is_inspector(user: Person) -> bool:
    return INSPECTOR in user_roles(user)


def can_work_orders(user: Person) -> bool:
    """Managers, supervisors and admins work orders (statuses, calls, notes, tasks, new orders, customers'
    details, messages); inspectors only read them."""
    return is_admin(user) or bool(user_roles(user) & set(ORDER_WORKERS))


def can_reassign(user: Person) -> bool:
    """Hand an order, or several at once, to another manager."""
    return is_admin(user) or is_supervisor(user)


def can_choose_customer_manager(user: Person) -> bool:
    """Set who is a customer's responsible manager."""
    return is_admin(user) or is_supervisor(user)


def can_see_dashboard(user: Person) -> bool:
    """The supervisor dashboard: overdue orders, the queue, the team's load."""
    return is_admin(user) or is_supervisor(user)


def can_read_kpis(user: Person) -> bool:
    """The KPI page: a manager reads their own row and the team's totals."""
    return is_admin(user) or is_supervisor(user) or is_manager(user)


def can_read_team_kpis(user: Person) -> bool:
    """Every manager's row on the KPI page, named."""
    return is_admin(user) or is_supervisor(user)


def can_read_claims(user: Person) -> bool:
    """The claims board, a claim, the replies nobody could read as a rating."""
    return is_admin(user) or is_supervisor(user) or is_inspector(user)


def can_work_claims(user: Person) -> bool:
    """Move a claim, add a note, set a rating by hand; supervisors only read claims."""
    return is_admin(user) or is_inspector(user)


def can_use_inbox(user: Person) -> bool:
    """Conversations as a list: a manager's own ("My conversations"), a supervisor's whole shops. Admins configure
    and keep no inbox."""
    return is_manager(user) or is_supervisor(user)


def can_read_conversations(user: Person) -> bool:
    """Open a conversation (within the scope): managers and supervisors who work them, inspectors who read."""
    return is_manager(user) or is_supervisor(user) or is_inspector(user)


def can_answer_conversations(user: Person) -> bool:
    """Reply to a conversation's customer, mark it read, make an order from it: its managers."""
    return is_manager(user)


def can_close_conversations(user: Person) -> bool:
    """Close a conversation with a reason: managers, and supervisors watching over them."""
    return is_manager(user) or is_supervisor(user)


def can_reassign_conversations(user: Person) -> bool:
    """Hand a conversation to another manager."""
    return is_supervisor(user)


def has_presence(user: Person) -> bool:
    """Free, Busy, Lunch…: routing gives orders to managers by their presence."""
    return is_manager(user)


def can_take_from_queue(user: Person) -> bool:
    """ "Take it" on an order waiting in the queue."""
    return is_manager(user)


def can_hear_calls(user: Person) -> bool:
    """Play a call's recording or voicemail: managers (their own customers' calls), supervisors and inspectors
    (their shops'). Admins without a role configure the desk and do not listen."""
    return bool(user_roles(user))


def can_place_calls(user: Person) -> bool:
    """Click-to-call through the desk's phone: the managers who work the order and supervisors; inspectors read
    and admins configure, they call nobody."""
    return is_manager(user) or is_supervisor(user)
