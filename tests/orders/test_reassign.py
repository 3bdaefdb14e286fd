import pytest
from django.urls import reverse

from orders.models import OrderEvent
from tests.factories import ShopFactory, grant, make_order, manager, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    shop = ShopFactory()
    anna, boris = manager(first_name="Anna", last_name="A"), manager(first_name="Boris", last_name="B")
    grant(anna, shops=[shop])
    grant(boris, shops=[shop])
    return shop, anna, boris, make_order(shop, manager=anna)


def test_a_supervisor_reassigns_and_history_says_who_from_whom_to_whom(client, setting):
    shop, anna, boris, order = setting
    boss = supervisor(first_name="Svetlana", last_name="O")
    client.force_login(boss)
    assert 'data-testid="reassign"' in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    response = client.post(
        reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk, "reason": "Anna is off"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.manager == boris
    event = order.events.filter(kind=OrderEvent.Kind.MANAGER).get()
    assert event.actor == boss and event.text == "Manager changed from Anna A to Boris B: Anna is off"
    assert event.data["from"] == anna.pk and event.data["to"] == boris.pk
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    why_block = page.split('data-testid="why-assigned"')[1].split("</main>")[0]
    assert 'class="timeline"' not in why_block  # only the manager card, not the history
    assert "Manager changed from Anna A to Boris B: Anna is off" in why_block
    assert "Assigned to Anna A" not in why_block


def test_only_the_shops_managers_can_be_chosen(client, setting):
    shop, anna, boris, order = setting
    outsider = manager()
    grant(outsider, shops=[ShopFactory()])
    client.force_login(supervisor())
    response = client.post(reverse("orders:reassign", args=[order.pk]), {"manager": outsider.pk}, follow=True)
    assert "Choose one of the shop" in response.content.decode()
    order.refresh_from_db()
    assert order.manager == anna


def test_managers_cannot_reassign(client, setting):
    shop, anna, boris, order = setting
    client.force_login(anna)
    assert 'data-testid="reassign"' not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk}).status_code == 403
    order.refresh_from_db()
    assert order.manager == anna
