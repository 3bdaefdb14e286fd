"""Routing's rules on a team and an order built in memory: who is eligible, why the others are not, and in which
order the eligible are offered the order. No database (marked `pure`: see `tests/conftest.py`)."""

from datetime import UTC, datetime, timedelta

import pytest

from assignment.models import AssignmentDecision, Presence, RoutingSettings
from assignment.routing.routables import Routable, RoutedOrder
from assignment.routing.rules import Team, rank, survey
from assignment.routing.sql import Granted, TeamRow
from orders.models import Customer, Order, Shop

pytestmark = pytest.mark.pure

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
Rule = AssignmentDecision.Rule
ALL = Granted(shop_ids=None, order_types=None, methods=None, regions=None)


def manager(
    user_id: int,
    *,
    name: str = "",
    presence: str = Presence.FREE,
    open_orders: int = 0,
    idle_for: timedelta = timedelta(minutes=10),
    experience: int = 0,
    quota: int | None = None,
    grant: Granted | None = None,
    username: str = "",
) -> TeamRow:
    first, _, last = name.partition(" ")
    return TeamRow(
        pk=100 + user_id,
        user_id=user_id,
        username=username or f"m{user_id}",
        first_name=first,
        last_name=last,
        presence=presence,
        idle_since=NOW - idle_for,
        quota_override=quota,
        experience=experience,
        grant=grant,
        open_orders=open_orders,
    )


def team_of(*rows: TeamRow, default_quota: int = 10) -> Team:
    return Team(settings=RoutingSettings(default_quota=default_quota), profiles=list(rows))


def order_for(*, vip: bool = False, own: int | None = None, shop_id: int = 1, method: str = "cart") -> RoutedOrder:
    shop = Shop(pk=shop_id, name="Green Garden")
    customer = Customer(shop=shop, name="Ivan", is_vip=vip, responsible_manager_id=own)
    return RoutedOrder(Order(shop=shop, customer=customer, method=method, region="Moscow"))


def ranked(order: Routable, team: Team, slipped: dict[int, datetime] | None = None) -> tuple[str, list[int]]:
    rule, candidates = rank(order, survey(order, team, slipped=slipped or {}))
    return rule, [candidate.user_id for candidate in candidates]


def test_even_load_offers_the_manager_with_fewest_open_orders_first():
    team = team_of(manager(1, open_orders=3), manager(2, open_orders=1), manager(3, open_orders=2))
    assert ranked(order_for(), team) == (Rule.EVEN_LOAD, [2, 3, 1])


def test_a_tie_on_open_orders_goes_to_the_manager_idle_longest():
    team = team_of(
        manager(1, open_orders=2, idle_for=timedelta(minutes=5)),
        manager(2, open_orders=2, idle_for=timedelta(hours=1)),
        manager(3, open_orders=2, idle_for=timedelta(minutes=30)),
    )
    assert ranked(order_for(), team) == (Rule.EVEN_LOAD, [2, 3, 1])


def test_a_vip_goes_to_the_most_experienced_first_however_loaded():
    team = team_of(manager(1, experience=1), manager(2, experience=9, open_orders=5), manager(3, experience=4))
    assert ranked(order_for(vip=True), team) == (Rule.VIP, [2, 3, 1])


def test_a_vip_between_equally_experienced_managers_goes_by_load_then_idle_time():
    team = team_of(
        manager(1, experience=5, open_orders=2, idle_for=timedelta(hours=2)),
        manager(2, experience=5, open_orders=1, idle_for=timedelta(minutes=1)),
        manager(3, experience=5, open_orders=2, idle_for=timedelta(hours=3)),
    )
    assert ranked(order_for(vip=True), team) == (Rule.VIP, [2, 3, 1])


@pytest.mark.parametrize("vip", [False, True], ids=["ordinary", "vip"])
def test_the_customers_own_manager_comes_first_and_alone_when_free_with_room(vip):
    team = team_of(manager(1), manager(2, open_orders=4, experience=0), manager(3, experience=9))
    assert ranked(order_for(own=2, vip=vip), team) == (Rule.REPEAT, [2])


def test_the_customers_own_manager_away_leaves_the_order_to_the_pool():
    team = team_of(manager(1, open_orders=1), manager(2, presence=Presence.LUNCH), manager(3))
    assert ranked(order_for(own=2), team) == (Rule.EVEN_LOAD, [3, 1])


def test_a_manager_who_let_the_order_time_out_comes_last_whatever_the_rule():
    team = team_of(manager(1, open_orders=3, experience=1), manager(2, experience=9), manager(3, open_orders=1))
    slipped = {2: NOW - timedelta(minutes=3)}
    assert ranked(order_for(), team, slipped) == (Rule.EVEN_LOAD, [3, 1, 2])
    assert ranked(order_for(vip=True), team, slipped) == (Rule.VIP, [1, 3, 2])
    # Their own customer's order too: it is no longer theirs first.
    assert ranked(order_for(own=2), team, slipped) == (Rule.EVEN_LOAD, [3, 1, 2])


def test_a_manager_who_let_the_order_time_out_is_still_offered_it_when_nobody_else_can_take_it():
    team = team_of(manager(1, presence=Presence.BREAK), manager(2))
    assert ranked(order_for(), team, {2: NOW}) == (Rule.EVEN_LOAD, [2])


@pytest.mark.parametrize(
    ("presence", "reason"),
    [
        (Presence.LUNCH, "on lunch"),
        (Presence.BREAK, "on a break"),
        (Presence.BUSY, "busy"),
        (Presence.OFFLINE, "offline"),
    ],
)
def test_a_manager_who_is_not_free_is_passed_over_with_where_they_are(presence, reason):
    found = survey(order_for(), team_of(manager(1, name="Olga Other", presence=presence), manager(2)), slipped={})
    assert [c.user_id for c in found.eligible] == [2]
    assert found.excluded == {"Olga Other": reason}
    assert set(found.granted) == {1, 2}  # granted the order, only away


@pytest.mark.parametrize(
    ("open_orders", "own_quota", "reason"),
    [(10, None, "at quota (10/10)"), (3, 3, "at quota (3/3)"), (12, None, "at quota (12/10)")],
    ids=["desk default", "their own quota", "over it"],
)
def test_a_manager_whose_quota_is_full_is_passed_over_with_the_count(open_orders, own_quota, reason):
    team = team_of(manager(1, name="Fay Full", open_orders=open_orders, quota=own_quota), manager(2))
    found = survey(order_for(), team, slipped={})
    assert [c.user_id for c in found.eligible] == [2]
    assert found.excluded == {"Fay Full": reason}


def test_one_below_quota_is_still_eligible_and_a_raised_quota_counts():
    team = team_of(manager(1, open_orders=9), manager(2, open_orders=10, quota=11))
    assert [c.user_id for c in survey(order_for(), team, slipped={}).eligible] == [1, 2]


@pytest.mark.parametrize(
    ("grant", "reason"),
    [
        (Granted(shop_ids={2}, order_types=None, methods=None, regions=None), "not granted shop Green Garden"),
        (Granted(shop_ids=set(), order_types=None, methods=None, regions=None), "not granted shop Green Garden"),
        (Granted(shop_ids=None, order_types=None, methods=["phone"], regions=None), "not granted method Cart"),
    ],
    ids=["another shop", "no shop at all", "another method"],
)
def test_a_manager_whose_grant_does_not_cover_the_order_is_passed_over_even_when_away(grant, reason):
    team = team_of(manager(1, name="Gleb Grant", grant=grant, presence=Presence.LUNCH), manager(2))
    found = survey(order_for(), team, slipped={})
    assert found.excluded == {"Gleb Grant": reason}  # the grant speaks before the presence
    assert 1 not in found.granted


@pytest.mark.parametrize("grant", [None, ALL], ids=["no grant", "all of everything"])
def test_no_grant_and_a_grant_of_all_both_cover_any_order(grant):
    found = survey(order_for(shop_id=7, method="marketplace"), team_of(manager(1, grant=grant)), slipped={})
    assert [c.user_id for c in found.eligible] == [1] and found.excluded == {}


def test_two_managers_of_one_name_are_told_apart_by_username():
    team = team_of(
        manager(1, name="Anna Smirnova", username="anna.s", presence=Presence.LUNCH),
        manager(2, name="Anna Smirnova", username="anna.sm", presence=Presence.OFFLINE),
        manager(3, name="", username="boris"),
    )
    found = survey(order_for(), team, slipped={})
    assert found.excluded == {"Anna Smirnova (anna.s)": "on lunch", "Anna Smirnova (anna.sm)": "offline"}
    assert [c.name for c in found.eligible] == ["boris"]  # no name: their username


def test_nobody_eligible_gives_an_empty_ranking():
    team = team_of(manager(1, presence=Presence.OFFLINE), manager(2, open_orders=10))
    assert ranked(order_for(), team) == (Rule.EVEN_LOAD, [])


def test_the_queue_counts_its_own_assignment_into_the_team_as_read():
    team = team_of(manager(1, open_orders=0, idle_for=timedelta(hours=1)), manager(2, open_orders=0))
    team.took_one(1, NOW)
    assert (team.profiles[0].open_orders, team.profiles[0].idle_since) == (1, NOW)
    assert ranked(order_for(), team) == (Rule.EVEN_LOAD, [2, 1])


@pytest.mark.parametrize(
    ("rows", "has_room"),
    [
        ([manager(1, open_orders=9)], True),
        ([manager(1, open_orders=10)], False),
        ([manager(1, presence=Presence.LUNCH)], False),
        ([manager(1, open_orders=10, quota=20)], True),
        ([], False),
    ],
    ids=["below quota", "at quota", "on lunch", "own quota", "no team"],
)
def test_anyone_has_room_means_a_free_manager_below_their_quota(rows, has_room):
    assert team_of(*rows).anyone_has_room() is has_room
