import zoneinfo
from datetime import time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from orders.clock import zone_for_phone
from orders.models import CustomerZone, DeskSettings, Order, OrderEvent, Status, ZoneSource
from orders.services import order_change_status, orders_escalate_overdue, orders_flag_overdue
from orders.tasks import sweep_overdue
from tests.factories import ShopFactory, grant, make_order, manager, msk, supervisor


@pytest.fixture
def day_shop(db):
    return ShopFactory(always_open=False, opens_at=time(9), closes_at=time(21), timezone="Europe/Moscow")


def test_entering_a_status_sets_its_deadline_and_changing_it_resets_the_clock(db):
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order()
        assert order.deadline == msk(2026, 11, 23, 12, 5)
    with time_machine.travel(msk(2026, 11, 23, 12, 3), tick=False):
        order_change_status(order=order, target="approval", by=manager())
    order.refresh_from_db()
    assert order.status_entered_at == msk(2026, 11, 23, 12, 3)
    assert order.deadline == msk(2026, 11, 23, 13, 3)


def test_intake_at_2055_on_a_day_shop_with_a_10_minute_limit_is_due_at_0905_next_day(day_shop):
    Status.objects.filter(code="new").update(time_limit=timedelta(minutes=10))
    with time_machine.travel(msk(2026, 11, 23, 20, 55), tick=False):
        order = make_order(day_shop)
    assert order.deadline == msk(2026, 11, 24, 9, 5)


@pytest.mark.parametrize(
    ("working_days", "changed_at", "due"),
    [
        ("1234567", msk(2026, 11, 23, 20, 55), msk(2026, 11, 24, 9, 5)),  # Monday evening → Tuesday morning
        ("12345", msk(2026, 11, 27, 20, 55), msk(2026, 11, 30, 9, 5)),  # Friday evening → Monday morning
    ],
)
def test_a_status_change_on_a_day_shop_counts_only_working_time(day_shop, working_days, changed_at, due):
    day_shop.working_days = working_days
    day_shop.save()
    Status.objects.filter(code="approval").update(time_limit=timedelta(minutes=10))
    order = make_order(day_shop)
    with time_machine.travel(changed_at, tick=False):
        order_change_status(order=order, target="approval", by=manager())
    order.refresh_from_db()
    assert (order.status_entered_at, order.deadline) == (changed_at, due)


@pytest.mark.django_db
def test_the_sweep_flags_an_overdue_order_and_tells_its_manager():
    user = manager()
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order(manager=user)
    with time_machine.travel(msk(2026, 11, 23, 12, 4), tick=False):
        assert sweep_overdue() == {"flagged": 0, "escalated": 0}
    with time_machine.travel(msk(2026, 11, 23, 12, 6), tick=False):
        assert sweep_overdue() == {"flagged": 1, "escalated": 0}
        assert sweep_overdue() == {"flagged": 0, "escalated": 0}  # idempotent
    order.refresh_from_db()
    assert order.is_overdue and order.overdue_since == msk(2026, 11, 23, 12, 6)
    # Status names and the desk's one way of writing a moment, never codes.
    assert (
        order.events.get(kind=OrderEvent.Kind.OVERDUE).text
        == "Overdue: the New time limit ran out at 23 Nov, 12:05."
    )
    notification = Notification.objects.get(recipient=user, kind=Notification.Kind.OVERDUE)
    assert notification.text == f"Order {order.number} is overdue in status New."
    assert notification.link == f"/orders/{order.pk}/"


@pytest.mark.django_db
def test_an_overdue_order_with_no_manager_goes_straight_to_the_shops_supervisors():
    boss, other_shop_boss = supervisor(), supervisor()
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order()
    grant(boss, shops=[order.shop])
    grant(other_shop_boss, shops=[ShopFactory()])
    with time_machine.travel(msk(2026, 11, 23, 12, 6), tick=False):
        orders_flag_overdue()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [boss.pk]


@pytest.mark.django_db
def test_after_the_grace_period_supervisors_are_alerted_once():
    user, boss = manager(), supervisor()
    DeskSettings.objects.update_or_create(pk=1, defaults={"escalation_grace": timedelta(minutes=10)})
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order(manager=user)
    with time_machine.travel(msk(2026, 11, 23, 12, 6), tick=False):
        sweep_overdue()
    with time_machine.travel(msk(2026, 11, 23, 12, 15), tick=False):
        assert orders_escalate_overdue() == 0
    with time_machine.travel(msk(2026, 11, 23, 12, 17), tick=False):
        assert sweep_overdue() == {"flagged": 0, "escalated": 1}
        assert sweep_overdue() == {"flagged": 0, "escalated": 0}
    order.refresh_from_db()
    assert order.escalated_at == msk(2026, 11, 23, 12, 17)
    escalations = Notification.objects.filter(kind=Notification.Kind.ESCALATION)
    assert list(escalations.values_list("recipient", flat=True)) == [boss.pk]
    assert order.events.filter(kind=OrderEvent.Kind.ESCALATION).count() == 1


@pytest.mark.django_db
def test_changing_the_status_clears_the_overdue_flag():
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        order = make_order()
    with time_machine.travel(msk(2026, 11, 23, 12, 30), tick=False):
        orders_flag_overdue()
        order.refresh_from_db()
        order_change_status(order=order, target="approval", by=manager())
    order.refresh_from_db()
    assert not order.is_overdue and order.overdue_since is None and order.escalated_at is None


@pytest.mark.django_db
def test_final_and_unlimited_statuses_never_go_overdue():
    Status.objects.filter(code="approval").update(time_limit=None)
    with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
        waiting = make_order()
        order_change_status(order=waiting, target="approval", by=manager())
        closed = make_order()
        order_change_status(order=closed, target="cancelled", by=manager(), reason="test")
    with time_machine.travel(msk(2026, 12, 23, 12, 0), tick=False):
        assert orders_flag_overdue() == 0
    assert not Order.objects.filter(is_overdue=True).exists()


@pytest.mark.django_db
def test_the_sweeps_queries_do_not_grow_with_orders_that_are_not_due():
    def sweep_queries(extra_not_due: int) -> int:
        with time_machine.travel(msk(2026, 11, 23, 12, 0), tick=False):
            make_order(manager=manager())
        with time_machine.travel(msk(2026, 11, 23, 12, 6), tick=False):
            for _ in range(extra_not_due):
                make_order()
        with time_machine.travel(msk(2026, 11, 23, 12, 7), tick=False), CaptureQueriesContext(connection) as ctx:
            assert orders_flag_overdue() == 1
        return len(ctx)

    assert sweep_queries(0) == sweep_queries(40)


@pytest.mark.parametrize(
    ("phone", "zone"),
    [("+74232123456", "Asia/Vladivostok"), ("+4930123456", "Europe/Berlin"), ("+79161234501", ""), ("+7000", "")],
)
def test_a_customers_time_zone_comes_from_an_unambiguous_phone_number(phone, zone):
    assert zone_for_phone(phone) == zone


@pytest.mark.django_db
def test_the_customer_card_shows_a_vladivostok_customers_night(client):
    user = manager()
    order = make_order(manager=user, phone="+74232123456")
    assert order.customer.zone_found == CustomerZone(zoneinfo.ZoneInfo("Asia/Vladivostok"), ZoneSource.PHONE)
    client.force_login(user)
    with time_machine.travel(msk(2026, 11, 23, 15, 0), tick=False):  # 22:00 in Vladivostok
        html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Mon 22:00" in html and "night there" in html


@pytest.mark.django_db
def test_the_call_panel_itself_warns_of_the_customers_night_not_only_the_customer_card(client):
    user = manager()
    order = make_order(manager=user, phone="+74232123456")
    client.force_login(user)
    with time_machine.travel(msk(2026, 11, 23, 15, 0), tick=False):  # 22:00 in Vladivostok
        night = client.get(f"/orders/{order.pk}/").content.decode()
    with time_machine.travel(msk(2026, 11, 23, 5, 0), tick=False):  # 12:00 in Vladivostok
        day = client.get(f"/orders/{order.pk}/").content.decode()
    # On a phone the customer card comes a long scroll after the number to call.
    call_panel = night[night.index('data-testid="call-panel"') : night.index('data-testid="customer-card"')]
    assert 'data-testid="call-night"' in call_panel and "22:00 there: don't call" in call_panel
    assert 'data-testid="call-night"' not in day
