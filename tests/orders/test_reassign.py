import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_create
from orders.clock import desk_time
from orders.models import Customer, CustomerEvent, Order, OrderEvent, Task
from orders.services import order_change_status
from tests.factories import ShopFactory, grant, inspector, make_order, make_task, manager, supervisor

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
    assert event.actor == boss
    moved = f"Moved to Boris B: the customer {order.customer.name}."
    assert event.text == f"Manager changed from Anna A to Boris B: Anna is off. {moved}"
    assert (event.manager_from, event.manager_to) == (anna, boris)
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


def test_a_hand_over_moves_the_previous_managers_open_tasks_on_the_order_and_nothing_else(client, setting):
    shop, anna, boris, order = setting
    carol = manager(username="carol")
    grant(carol, shops=[shop])
    call = make_task(order, assignee=anna, text="Call about delivery")
    todo = make_task(order, assignee=anna, text="Check stock", kind="custom")
    carols = make_task(order, assignee=carol, text="Carol's own")
    done = make_task(order, assignee=anna, text="Already done")
    Task.objects.filter(pk=done.pk).update(done_at=timezone.now())
    elsewhere = make_task(make_order(shop, manager=anna), assignee=anna, text="Another order")
    client.force_login(supervisor())
    client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk, "reason": "Anna is off"})
    assignees = dict(Task.objects.values_list("pk", "assignee__username"))
    assert assignees[call.pk] == assignees[todo.pk] == boris.username
    assert assignees[carols.pk] == "carol" and assignees[done.pk] == assignees[elsewhere.pk] == anna.username
    event = order.events.filter(kind=OrderEvent.Kind.MANAGER).get()
    assert event.text.endswith(f"Moved to Boris B: 2 open tasks and the customer {order.customer.name}.")


def test_a_customer_moved_with_a_hand_over_gets_a_history_line_with_who_and_when(client, setting):
    shop, anna, boris, order = setting
    boss = supervisor(first_name="Svetlana", last_name="O")
    client.force_login(boss)
    client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk, "reason": "Anna is off"})
    line = CustomerEvent.objects.get(customer=order.customer)
    assert (line.text, line.actor) == ("Responsible manager: Anna A → Boris B", boss)
    page = client.get(reverse("orders:customer", args=[order.customer_id])).content.decode()
    assert "Responsible manager: Anna A → Boris B" in page and desk_time(line.created_at) in page


def test_a_customer_responsible_to_someone_else_stays_with_them(client, setting):
    shop, anna, boris, order = setting
    carol = manager(username="carol")
    Customer.objects.filter(pk=order.customer_id).update(responsible_manager=carol)
    client.force_login(supervisor())
    client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk})
    order.customer.refresh_from_db()
    assert order.customer.responsible_manager == carol
    assert "Moved to" not in order.events.filter(kind=OrderEvent.Kind.MANAGER).get().text


def test_the_manager_who_loses_an_order_is_told_and_their_take_up_notice_is_read(client, setting):
    shop, anna, boris, order = setting
    notification_create(
        recipient=anna,
        kind=Notification.Kind.ASSIGNED,
        text="yours",
        link=reverse("orders:detail", args=[order.pk]),
    )
    client.force_login(supervisor(first_name="Svetlana", last_name="O"))
    client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk, "reason": "Anna is off"})
    annas = Notification.objects.filter(recipient=anna)
    assert not annas.filter(kind=Notification.Kind.ASSIGNED, read_at__isnull=True).exists()
    told = annas.get(kind=Notification.Kind.INFO)
    assert told.text == f"Order {order.number} went to Boris B: Anna is off." and told.read_at is None
    assert (
        Notification.objects.get(recipient=boris).text
        == f"Svetlana O handed you order {order.number}: Anna is off."
    )


def test_a_supervisor_reassigns_ticked_orders_in_bulk_from_the_list(client, setting):
    shop, anna, boris, first = setting
    second = make_order(shop, manager=anna)
    untouched = make_order(shop, manager=anna)
    client.force_login(supervisor())
    page = client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    assert 'data-testid="bulk-reassign"' in page and page.count('data-testid="tick"') == 3
    response = client.post(
        reverse("orders:bulk_reassign"),
        {
            "orders": [first.pk, second.pk],
            "manager": boris.pk,
            "reason": "Anna is off",
            "next": "/orders/?scope=all",
        },
        follow=True,
    )
    assert f"{first.number}, {second.number} are now with Boris B." in response.content.decode()
    assert set(Order.objects.filter(manager=boris).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Order.objects.get(pk=untouched.pk).manager == anna


def test_bulk_reassign_is_all_or_nothing_and_names_the_refused_orders(client, setting):
    shop, anna, boris, first = setting
    other_shop = ShopFactory()
    foreign = make_order(other_shop, manager=anna)
    client.force_login(supervisor())
    response = client.post(
        reverse("orders:bulk_reassign"), {"orders": [first.pk, foreign.pk], "manager": boris.pk}, follow=True
    )
    assert f"Nothing was reassigned to Boris B ({foreign.number}: not granted shop {other_shop.name})." in (
        response.content.decode()
    )
    assert Order.objects.filter(manager=anna).count() == 2


@pytest.mark.parametrize("make_user", [manager, inspector], ids=["manager", "inspector"])
def test_only_supervisors_reassign_in_bulk(client, setting, make_user):
    shop, anna, boris, order = setting
    user = make_user()
    client.force_login(user)
    assert (
        'data-testid="bulk-reassign"' not in client.get(reverse("orders:list"), {"scope": "all"}).content.decode()
    )
    response = client.post(reverse("orders:bulk_reassign"), {"orders": [order.pk], "manager": boris.pk})
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).manager == anna


def test_a_closed_order_offers_no_reassign_form_and_keeps_its_manager(client, setting):
    shop, anna, boris, order = setting
    order_change_status(order=order, target="cancelled", by=anna, reason="Changed their mind")
    client.force_login(supervisor())
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="reassign"' not in page
    response = client.post(reverse("orders:reassign", args=[order.pk]), {"manager": boris.pk}, follow=True)
    assert f"Nothing was reassigned to Boris B ({order.number}: closed)." in response.content.decode()
    assert Order.objects.get(pk=order.pk).manager == anna


def test_an_order_closed_while_waiting_in_the_queue_is_not_said_to_be_waiting(client):
    shop = ShopFactory()
    order = make_order(shop)  # nobody free: it waits in the queue
    assert order.manager is None
    boss = supervisor()
    client.force_login(boss)
    assert "waiting in the queue" in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    order_change_status(order=order, target="cancelled", by=boss, reason="A duplicate")
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "waiting in the queue" not in page and "Closed without a manager." in page


def test_a_refused_bulk_reassign_comes_back_with_the_ticks_the_manager_and_the_reason_as_typed(client, setting):
    shop, anna, boris, first = setting
    foreign = make_order(ShopFactory(), manager=anna)
    client.force_login(supervisor())
    posted = {"orders": [first.pk, foreign.pk], "manager": boris.pk, "reason": "Anna is off", "next": "/orders/"}
    page = client.post(reverse("orders:bulk_reassign"), posted, follow=True).content.decode()
    assert "Nothing was reassigned to Boris B" in page
    ticked = re.findall(r'<input [^>]*name="orders" value="(\d+)"[^>]* checked', page)
    assert sorted(map(int, ticked)) == sorted([first.pk, foreign.pk] * 2)  # the table's tick and the card's
    assert re.search(rf'<option value="{boris.pk}" selected>Boris B</option>', page)
    assert 'value="Anna is off"' in page
    again = client.get(reverse("orders:list")).content.decode()  # once: a later visit starts afresh
    assert " checked" not in again and 'value="Anna is off"' not in again
