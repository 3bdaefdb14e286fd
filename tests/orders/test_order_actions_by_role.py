"""Every POST action of the order page (and the queue: orders and conversations) against every role: managers
and supervisors work orders, supervisors also hand them over, inspectors and people without a role only read (or
see nothing)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assignment.models import Presence
from assignment.services import presence_set
from notifications.models import OutboundMessage
from orders.exceptions import StatusChangeRefused
from orders.models import Conversation, Order, OrderEvent, Task
from orders.services import order_change_status
from tests.factories import (
    ShopFactory,
    UserFactory,
    free_manager,
    inspector,
    make_order,
    make_task,
    supervisor,
)

pytestmark = pytest.mark.django_db

WORKERS = {"manager", "supervisor", "admin"}
HANDERS = {"supervisor", "admin"}


@pytest.fixture
def desk():
    shop = ShopFactory(always_open=True)
    anna = free_manager(username="anna", shops=[shop])
    boris = free_manager(username="boris", shops=[shop])
    order = make_order(shop, manager=anna)
    task = make_task(order, assignee=anna, text="Call back")
    presence_set(user=boris, presence=Presence.LUNCH)
    presence_set(user=anna, presence=Presence.LUNCH)
    waiting = make_order(shop)  # nobody Free: it waits in the queue
    conversation = Conversation.objects.create(  # a customer writing with no open order, waiting too
        shop=shop, customer=waiting.customer, last_message_at=timezone.now()
    )
    users = {
        "manager": anna,
        "supervisor": supervisor(username="boss"),
        "inspector": inspector(username="checker"),
        "no role": UserFactory(username="nobody"),
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    return {
        "order": order,
        "task": task,
        "waiting": waiting,
        "conversation": conversation,
        "boris": boris,
        "users": users,
    }


def _events(order, kind):
    return order.events.filter(kind=kind).count()


ACTIONS = {
    # name: (url, data, who may, did it happen)
    "status": (
        lambda d: reverse("orders:status", args=[d["order"].pk]),
        lambda d: {"target": "approval", "expected_status": "new"},
        WORKERS,
        lambda d: Order.objects.get(pk=d["order"].pk).status == "approval",
    ),
    "note": (
        lambda d: reverse("orders:note", args=[d["order"].pk]),
        lambda d: {"text": "Customer asked for the evening"},
        WORKERS,
        lambda d: _events(d["order"], OrderEvent.Kind.NOTE) == 1,
    ),
    "call": (
        lambda d: reverse("orders:call", args=[d["order"].pk]),
        lambda d: {"outcome": "reached"},
        WORKERS,
        lambda d: _events(d["order"], OrderEvent.Kind.CALL) == 1,
    ),
    "task": (
        lambda d: reverse("orders:task_create", args=[d["order"].pk]),
        lambda d: {
            "kind": "call",
            "text": "Confirm address",
            "due_at": f"{timezone.localtime() + timezone.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "assignee": d["users"]["manager"].pk,
        },
        WORKERS,
        lambda d: Task.objects.filter(text="Confirm address").exists(),
    ),
    "task done": (
        lambda d: reverse("orders:task_done", args=[d["task"].pk]),
        lambda d: {"without_next_step": "on"},
        WORKERS,
        lambda d: Task.objects.get(pk=d["task"].pk).done_at is not None,
    ),
    "reassign": (
        lambda d: reverse("orders:reassign", args=[d["order"].pk]),
        lambda d: {"manager": d["boris"].pk},
        HANDERS,
        lambda d: Order.objects.get(pk=d["order"].pk).manager == d["boris"],
    ),
    "bulk reassign": (
        lambda d: reverse("orders:bulk_reassign"),
        lambda d: {"orders": [d["order"].pk], "manager": d["boris"].pk},
        HANDERS,
        lambda d: Order.objects.get(pk=d["order"].pk).manager == d["boris"],
    ),
    "message the customer": (
        lambda d: reverse("notifications:order_message", args=[d["order"].pk]),
        lambda d: {"channel": "sms", "body": "Your order is packed"},
        WORKERS,
        lambda d: OutboundMessage.objects.filter(body="Your order is packed").exists(),
    ),
    "take it": (
        lambda d: reverse("assignment:take", args=[d["waiting"].pk]),
        lambda d: {},
        {"manager"},
        lambda d: Order.objects.get(pk=d["waiting"].pk).manager_id is not None,
    ),
    "take a conversation": (
        lambda d: reverse("assignment:take_conversation", args=[d["conversation"].pk]),
        lambda d: {},
        {"manager"},
        lambda d: Conversation.objects.get(pk=d["conversation"].pk).manager_id is not None,
    ),
}


@pytest.mark.parametrize("role", ["manager", "supervisor", "inspector", "no role", "admin"])
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_may_do_exactly_its_actions(client, desk, action, role):
    url, data, allowed, happened = ACTIONS[action]
    client.force_login(desk["users"][role])
    response = client.post(url(desk), data(desk))
    if role in allowed:
        assert response.status_code == 302, response.content.decode()[:300]
        assert happened(desk), f"{role} should be able to {action}"
    else:
        assert response.status_code in (403, 404)
        assert not happened(desk), f"{role} must not {action}"


def test_an_inspector_reads_the_order_page_without_any_working_form(client, desk):
    client.force_login(desk["users"]["inspector"])
    page = client.get(reverse("orders:detail", args=[desk["order"].pk])).content.decode()
    assert desk["order"].number in page and "Call back" in page
    for form in (
        "orders:status",
        "orders:note",
        "orders:call",
        "orders:task_create",
        "orders:reassign",
        "notifications:order_message",
    ):
        assert reverse(form, args=[desk["order"].pk]) not in page
    assert reverse("orders:task_done", args=[desk["task"].pk]) not in page
    assert "You read this order; managers and supervisors work it." in page


def test_an_empty_group_list_in_the_matrix_means_managers_and_supervisors(desk):
    with pytest.raises(StatusChangeRefused, match="Your role may not"):
        order_change_status(order=desk["order"], target="approval", by=desk["users"]["inspector"])
    order_change_status(order=desk["order"], target="approval", by=desk["users"]["supervisor"])
    assert desk["order"].status == "approval"
