"""Routing's hand-written statements read what the ORM reads, on whichever database the suite runs (CI runs it on
PostgreSQL and on SQLite), and what the two databases spell differently is spelt in one place."""

import inspect
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from assignment.routing import sql
from assignment.routing.sql import Granted, Held, Spelling, TeamRow, held_by_manager, routing_team
from assignment.selectors import team_profiles
from orders.models import AccessGrant, Order
from orders.services import order_change_status
from tests.factories import ShopFactory, free_manager, grant, make_order


def team_as_the_orm_reads_it() -> list[TeamRow]:
    """The team `routing_team()` must read, field by field, through the ORM."""
    grants = {g.user_id: g for g in AccessGrant.objects.prefetch_related("shops")}
    rows = []
    for profile in team_profiles().order_by("pk"):
        user, granted = profile.user, grants.get(profile.user_id)
        shown = granted.granted() if granted else None
        rows.append(
            TeamRow(
                pk=profile.pk,
                user_id=user.pk,
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
                presence=profile.presence,
                idle_since=max(profile.presence_since, profile.last_assigned_at or profile.presence_since),
                quota_override=profile.quota_override,
                experience=profile.experience,
                grant=Granted(**shown) if shown else None,
                open_orders=Order.objects.filter(manager=user, is_final=False).count(),
            )
        )
    return rows


@pytest.mark.django_db
def test_the_hand_written_team_reads_every_field_as_the_orm_does():
    garden, gadgets = ShopFactory(), ShopFactory()
    anna = free_manager(username="anna", first_name="Anna", last_name="A", quota=3, experience=4)
    boris = free_manager(username="boris")
    grant(boris, shops=[garden, gadgets], order_types=["b2b"], methods=["phone", "cart"], regions=["Moscow"])
    vera = free_manager(username="vera")
    AccessGrant.objects.create(user=vera)  # a grant of none
    grant(free_manager(username="gleb"))  # a grant of all
    for _ in range(2):
        make_order(garden, manager=anna)
    closed = make_order(garden, manager=vera)
    order_change_status(order=closed, target="cancelled", by=vera, reason="duplicate")  # not counted
    now = timezone.now()
    ManagerProfile.objects.filter(user=anna).update(
        presence=Presence.LUNCH, presence_since=now - timedelta(hours=2), last_assigned_at=now - timedelta(hours=1)
    )
    ManagerProfile.objects.filter(user=boris).update(last_assigned_at=now - timedelta(days=1))

    read = routing_team()

    assert read == team_as_the_orm_reads_it()
    by_name = {row.username: row for row in read}
    # What the comparison covers is not empty: each kind of grant, load and idle time is in it.
    assert by_name["anna"].open_orders == 2 and by_name["anna"].grant is None
    assert by_name["anna"].idle_since == now - timedelta(hours=1)  # the later of the two
    assert by_name["boris"].grant.shop_ids == {garden.pk, gadgets.pk}
    assert by_name["boris"].grant.methods == ["phone", "cart"]
    assert by_name["vera"].grant == Granted(shop_ids=set(), order_types=[], methods=[], regions=[])
    assert by_name["vera"].open_orders == 0
    assert by_name["gleb"].grant == Granted(shop_ids=None, order_types=None, methods=None, regions=None)


def test_no_table_or_column_is_spelt_by_hand_in_routings_statements():
    """Names come from the models: a literal table name would survive a rename and break routing at runtime."""
    source = inspect.getsource(sql)
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert {table for table in tables if table in source} == set()


@pytest.mark.django_db
def test_open_orders_are_counted_per_manager_for_any_team_size():
    shop = ShopFactory()
    team = [free_manager(username=f"m{n}", quota=50) for n in range(3)]
    for user, count in zip(team, (0, 1, 3), strict=True):
        for _ in range(count):
            make_order(shop, manager=user)
    ids = [user.pk for user in team]
    assert held_by_manager(ids) == {ids[1]: Held(orders=1), ids[2]: Held(orders=3)}
    assert held_by_manager(ids[2:]) == {ids[2]: Held(orders=3)}
    assert held_by_manager([]) == {}


@pytest.mark.parametrize(
    ("vendor", "clause", "params"),
    [("postgresql", '"m" = ANY(%s)', [[4, 7]]), ("sqlite", '"m" IN (%s, %s)', [4, 7])],
)
def test_a_list_of_ids_is_one_array_on_postgresql_and_placeholders_on_sqlite(vendor, clause, params):
    assert Spelling(vendor).among('"m"', [4, 7]) == (clause, params)


@pytest.mark.parametrize(
    ("vendor", "aggregate"),
    [("postgresql", "string_agg(s.id::text, ',')"), ("sqlite", "group_concat(s.id)")],
)
def test_ids_are_joined_into_one_text_by_each_databases_own_aggregate(vendor, aggregate):
    assert Spelling(vendor).id_list("s.id") == aggregate


@pytest.mark.parametrize(
    "answered",
    [
        datetime(2026, 12, 7, 9, 30, tzinfo=UTC),  # PostgreSQL: aware
        datetime(2026, 12, 7, 9, 30),  # SQLite: naive UTC
        "2026-12-07 09:30:00",  # SQLite, a computed column: text
    ],
    ids=["aware", "naive", "text"],
)
def test_a_moment_reads_the_same_whichever_database_answered(answered):
    assert Spelling.moment(answered) == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("answered", [["phone", "cart"], '["phone", "cart"]'], ids=["decoded", "text"])
def test_a_json_column_reads_the_same_whichever_database_answered(answered):
    assert Spelling.json_value(answered) == ["phone", "cart"]
