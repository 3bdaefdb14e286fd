import pytest

from tests.factories import UserFactory, free_manager, make_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/assignment/managerprofile/",
        "/admin/assignment/routingsettings/",
        "/admin/assignment/assignmentdecision/",
        "/admin/orders/order/",
        "/admin/orders/status/",
        "/admin/orders/accessgrant/",
    ],
)
def test_admin_configuration_pages_open(client, url):
    free_manager()
    make_order()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200
