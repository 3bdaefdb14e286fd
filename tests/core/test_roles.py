"""Each role predicate admits exactly the people it names: the roles are pure (`is_supervisor` is the group and
nothing else), and every `can_`/`has_` predicate says which roles, admins included or not, may do the thing."""

import inspect

import pytest
from django.contrib.auth.models import AnonymousUser

from core import roles
from tests.factories import UserFactory, inspector, manager, supervisor

pytestmark = pytest.mark.django_db

PEOPLE = {
    "anonymous": AnonymousUser,
    "no role": lambda: UserFactory(username="nobody"),
    "manager": lambda: manager(username="anna"),
    "supervisor": lambda: supervisor(username="boss"),
    "inspector": lambda: inspector(username="checker"),
    "admin": lambda: UserFactory(username="staff", is_staff=True),
    "superuser": lambda: UserFactory(username="root", is_staff=True, is_superuser=True),
}
ADMINS = {"admin", "superuser"}

# Who each predicate admits; anyone not named is refused.
ADMITS = {
    roles.is_admin: ADMINS,
    roles.is_manager: {"manager"},
    roles.is_supervisor: {"supervisor"},
    roles.is_inspector: {"inspector"},
    roles.can_work_orders: {"manager", "supervisor", *ADMINS},
    roles.can_reassign: {"supervisor", *ADMINS},
    roles.can_choose_customer_manager: {"supervisor", *ADMINS},
    roles.can_see_dashboard: {"supervisor", *ADMINS},
    roles.can_read_kpis: {"manager", "supervisor", *ADMINS},
    roles.can_read_team_kpis: {"supervisor", *ADMINS},
    roles.can_read_claims: {"inspector", "supervisor", *ADMINS},
    roles.can_work_claims: {"inspector", *ADMINS},
    roles.can_use_inbox: {"manager", "supervisor"},
    roles.can_read_conversations: {"manager", "supervisor", "inspector"},
    roles.can_answer_conversations: {"manager"},
    roles.can_close_conversations: {"manager", "supervisor"},
    roles.can_reassign_conversations: {"supervisor"},
    roles.has_presence: {"manager"},
    roles.can_take_from_queue: {"manager"},
    roles.can_place_calls: {"manager", "supervisor"},
}


@pytest.mark.parametrize("predicate", list(ADMITS), ids=lambda predicate: predicate.__name__)
def test_a_predicate_admits_exactly_the_people_it_names(predicate):
    admitted = {kind for kind, person in PEOPLE.items() if predicate(person())}
    assert admitted == ADMITS[predicate]


def test_every_predicate_of_the_roles_module_has_its_row_here():
    predicates = {
        function
        for name, function in inspect.getmembers(roles, inspect.isfunction)
        if name.startswith(("is_", "can_", "has_")) and function.__module__ == roles.__name__
    }
    assert predicates == set(ADMITS)
