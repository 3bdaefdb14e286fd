import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core import roles
from tests.factories import PASSWORD, UserFactory, inspector, manager, supervisor

pytestmark = pytest.mark.django_db


def test_roles_exist_as_groups_after_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.parametrize("url", ["/", "/orders/", "/notifications/", "/dashboard/"])
def test_every_page_but_login_requires_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_public_and_logs_a_user_in(client):
    user = manager()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error(client):
    user = manager()
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.parametrize(
    ("make_user", "target"),
    [
        (manager, "orders:list"),
        (supervisor, "dashboard:dashboard"),
        (inspector, "feedback:claims"),
        (lambda: UserFactory(is_staff=True, is_superuser=True), "dashboard:dashboard"),
    ],
)
def test_home_sends_each_role_to_its_place(client, make_user, target):
    client.force_login(make_user())
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(manager())
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("orders:list")).status_code == 302


def test_the_login_form_is_drawn_by_crispy_and_a_refused_login_keeps_the_username(client, db):
    from tests.orders.test_page_forms_render_through_crispy import box_classes, field_block

    page = client.get(reverse("login")).content.decode()
    assert "form-control" in box_classes(field_block(page, "username"))
    refused = client.post(reverse("login"), {"username": "anna", "password": "wrong"}).content.decode()
    assert refused.count("Please enter a correct username and password") == 1
    assert 'value="anna"' in field_block(refused, "username")
    assert 'value="wrong"' not in refused  # a password is never sent back
