"""Every role against every supervisor page: only supervisors (and admins) watch the team and reassign."""

import pytest
from django.urls import reverse

from orders.models import Order
from tests.factories import ShopFactory, UserFactory, grant, inspector, make_order, manager, supervisor

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "no role": lambda: UserFactory(),
    "manager": manager,
    "inspector": inspector,
    "supervisor": supervisor,
    "admin": lambda: UserFactory(is_staff=True, is_superuser=True),
}
# What each role gets: the page (200, or the reassign's redirect back to the order), a refusal, or the login page.
ALLOWED = {"supervisor", "admin"}


@pytest.fixture
def order_and_managers():
    shop = ShopFactory()
    anna, boris = manager(username="anna"), manager(username="boris")
    for user in (anna, boris):
        grant(user, shops=[shop])
    return make_order(shop, manager=anna), anna, boris


def login_as(client, role):
    if ROLES[role] is not None:
        client.force_login(ROLES[role]())


def expect(role, response, allowed_status):
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif role in ALLOWED:
        assert response.status_code == allowed_status
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_dashboard_is_for_supervisors_and_admins_only(client, role):
    login_as(client, role)
    response = client.get(reverse("dashboard:dashboard"))
    expect(role, response, 200)
    if role in ALLOWED:
        assert 'data-testid="team"' in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_supervisors_and_admins_reassign_an_order(client, role, order_and_managers):
    order, anna, boris = order_and_managers
    login_as(client, role)
    response = client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk, "reason": "x"})
    expect(role, response, 302)
    expected_manager = boris if role in ALLOWED else anna
    assert Order.objects.get(pk=order.pk).manager == expected_manager


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_the_reassign_form_is_offered_only_to_supervisors_and_admins(client, role, order_and_managers):
    order, _, _ = order_and_managers
    login_as(client, role)
    response = client.get(reverse("orders:detail", args=[order.pk]))
    if role == "no role":
        assert response.status_code == 404  # sees no orders at all
        return
    assert response.status_code == 200
    assert ('data-testid="reassign"' in response.content.decode()) is (role in ALLOWED)


KPI_PAGES = {
    "kpi:kpi": {},
    "kpi:kpi_csv": {},
    "kpi:kpi_orders": {"figure": "taken", "manager": "team"},
}


@pytest.mark.parametrize("name", KPI_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_kpis_are_for_supervisors_admins_and_managers_and_the_teams_orders_for_supervisors(client, role, name):
    login_as(client, role)
    response = client.get(reverse(name), KPI_PAGES[name])
    if role == "manager":
        # A manager reads their own row and the team's totals, never the orders of the whole team.
        assert response.status_code == (404 if name == "kpi:kpi_orders" else 200)
    else:
        expect(role, response, 200)
