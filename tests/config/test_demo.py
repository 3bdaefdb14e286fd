"""The demo stays alive: seeded orders are placed relative to now in a realistic mix, a storefront pushes orders
through the real intake API, and the managers nobody is logged in as work their orders."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from assignment.models import AssignmentDecision
from config.demo import demo_load
from config.demo_live import carrier_report, staff_act, storefront_push
from core.roles import MANAGER
from feedback.models import Claim, FeedbackReply, ShopFeedback
from kpi.figures import FIGURES
from kpi.rollup import Period, day_bounds, kpi_period
from kpi.sources import figure_rows
from orders.models import Order, OrderEvent, Shop, Status
from orders.services import orders_flag_overdue
from tests.factories import msk

DAYTIME = msk(2026, 11, 24, 12, 0)


class SteadyRng(random.Random):
    """Every chance comes out at one half: managers take up their orders, nobody goes to lunch."""

    def random(self):
        return 0.5


@pytest.mark.django_db
def test_the_demo_is_a_realistic_mix_placed_relative_to_now_and_loads_once():
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
        demo_load()  # idempotent
    assert Order.objects.count() == 15
    by_status = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
    assert by_status == {"new": 4, "approval": 4, "assembly": 2, "delivery": 2, "complete": 3}
    # The feedback loop has something to show: a 5, a 2 with its claim, a reply for an inspector.
    assert sorted(Order.objects.exclude(rating=None).values_list("rating", flat=True)) == [2, 5]
    assert Claim.objects.filter(state="created").count() == 1
    assert FeedbackReply.objects.filter(outcome="inspector").count() == 1
    oldest = Order.objects.order_by("created_at").first()
    assert DAYTIME - oldest.created_at == timedelta(hours=26)
    with time_machine.travel(DAYTIME, tick=False):
        orders_flag_overdue()
    assert Order.objects.filter(is_overdue=True).count() == 2  # one Approval per shop has outstayed its hour
    with time_machine.travel(DAYTIME + timedelta(minutes=15), tick=False):
        orders_flag_overdue()
    # A quarter of an hour on, the New orders are late too, but most of the desk is not.
    assert Order.objects.filter(is_overdue=True).count() == 6 < Order.objects.count()


@pytest.mark.django_db
def test_the_demo_is_a_russian_desk_with_customers_across_the_time_zones():
    """Its data is Russian whatever the interface's language: shops, statuses as RetailCRM names them, and each
    order's region is a city (the customer's time zone is read from it) with a street address in it."""
    demo_load()
    assert set(Shop.objects.values_list("name", flat=True)) == {"Зелёный сад", "Гаджет Поинт"}
    assert list(Status.objects.order_by("position").values_list("name", flat=True)) == [
        "Новый", "Согласование", "Комплектация", "Доставка", "В пункте выдачи", "Выполнен", "Отменён",
    ]  # fmt: skip
    regions = set(Order.objects.values_list("region", flat=True))
    assert {"Москва", "Калининград", "Екатеринбург", "Новосибирск", "Владивосток"} <= regions
    assert all(address.startswith(f"г. {region}, ") for region, address in Order.objects.values_list(
        "region", "delivery_address"
    ))  # fmt: skip


@pytest.mark.django_db
def test_the_demos_kpi_numbers_for_the_days_before_today_match_the_lists_behind_them():
    """The demo places orders up to a day back: those days are rolled up as the nightly run would have, so the
    KPI page's numbers are not left at nothing while the lists behind them have the orders."""
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
        yesterday = timezone.localdate() - timedelta(days=1)
        managers = list(get_user_model().objects.filter(groups__name=MANAGER))
        _, team = kpi_period(managers=managers, period=Period(yesterday, yesterday))
        start, end = day_bounds(yesterday)
        listed = figure_rows(FIGURES["taken"], start, end, [m.pk for m in managers]).count()
    assert listed > 0 and team.taken == listed


@pytest.mark.django_db
def test_the_demos_history_is_spread_over_time_so_the_time_in_each_status_is_not_zero():
    """Each seeded order's status changes are placed between its arrival and the moment it entered its status,
    in order: the order pages read as lived and the KPI page's average time in each status is not 0 s."""
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
        order = Order.objects.get(shop__code="garden", external_id="demo-5")  # New → … → Delivery over 6 h
        moments = list(order.events.filter(kind="status").order_by("pk").values_list("created_at", flat=True))
        assert moments == sorted(moments) and len(set(moments)) == 3 and moments[-1] == order.status_entered_at
        managers = list(get_user_model().objects.filter(groups__name=MANAGER))
        _, team = kpi_period(
            managers=managers, period=Period(timezone.localdate() - timedelta(days=1), timezone.localdate())
        )
    assert all(team.status_average(code) for code in ("new", "approval", "assembly"))


@pytest.mark.django_db
def test_the_demo_feedback_email_is_signed_by_a_person_from_her_own_address_with_a_reply_to():
    demo_load()
    signed = set(ShopFeedback.objects.values_list("shop__code", "signer", "signer_email", "reply_to"))
    assert signed == {
        ("garden", "Мария, Зелёный сад", "maria@garden.example.com", "quality@garden.example.com"),
        ("gadgets", "Мария, Гаджет Поинт", "maria@gadgets.example.com", "quality@gadgets.example.com"),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_pipeline")
def test_the_demo_storefront_pushes_an_order_through_the_intake_api(live_server):
    demo_load()
    before = Order.objects.count()
    answer = storefront_push(base_url=live_server.url, rng=random.Random(7))
    assert Order.objects.count() == before + 1
    order = Order.objects.get(number=answer["number"])
    assert order.external_id.startswith("live-") and order.events.first().kind == OrderEvent.Kind.CREATED


@pytest.mark.django_db
def test_demo_managers_take_up_their_orders_but_a_logged_in_person_is_left_alone():
    with time_machine.travel(DAYTIME, tick=False):
        demo_load()
    person = Order.objects.get(shop__code="garden", external_id="demo-1").manager
    Client().force_login(person)  # someone is using the demo as this manager
    with time_machine.travel(DAYTIME + timedelta(minutes=1), tick=False):
        done = staff_act(rng=SteadyRng())
    # Orders' decisions only: the demo leaves its conversations to people.
    waiting = AssignmentDecision.objects.filter(
        accept_by__isnull=False, accepted_at__isnull=True, order__isnull=False
    )
    assert list(waiting.values_list("manager", flat=True)) == [person.pk]  # only the person's order still waits
    assert any("called about" in line for line in done)
    assert any(line.endswith("to Согласование") for line in done)  # a customer reached is moved on at once
    assert not any(line.startswith(person.username) for line in done)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_pipeline")
def test_the_demo_carrier_reports_a_parcel_at_the_pick_up_point_which_moves_the_order(live_server):
    demo_load()
    in_delivery = set(Order.objects.filter(status="delivery").values_list("number", flat=True))
    answer = carrier_report(base_url=live_server.url, rng=random.Random(3))
    assert answer["number"] in in_delivery and answer["status"] == "pickup"
    assert Order.objects.get(number=answer["number"]).delivery_events.get().state == "at_pickup_point"
