"""Routing's hand-written statements: the team as routing reads it, and each manager's open orders. Written by
hand because routing reads them for every new order (see each statement for what the ORM cost). Tables and
columns are named from the models (`_meta`) and quoted by the database's own rules, never spelt here, so a
renamed column breaks the build of the statement rather than routing in production; what the two databases
(PostgreSQL and SQLite) spell or answer differently is in `Spelling`, once. Each row is read once into a
`TeamRow`, which `rules` reads."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Field, Model

from assignment.models import ManagerProfile
from core.roles import MANAGER
from orders.models import AccessGrant, Conversation, Order


@dataclass(frozen=True, slots=True)
class Granted:
    """A manager's grant as `grant_refusal` reads it: each of shops, order types, methods and regions None when
    the grant has "all", else the ones listed (empty: none)."""

    shop_ids: set[int] | None
    order_types: list[str] | None
    methods: list[str] | None
    regions: list[str] | None


@dataclass(slots=True)
class TeamRow:
    """One manager as routing reads them. `idle_since`: their presence began or their last assignment, whichever
    is later. `grant` None: no grant at all, everything. The queue counts its own assignments into
    `open_orders` / `open_conversations` and `idle_since`."""

    pk: int
    user_id: int
    username: str
    first_name: str
    last_name: str
    presence: str
    idle_since: datetime
    quota_override: int | None
    experience: int
    grant: Granted | None
    open_orders: int = 0
    open_conversations: int = 0


class Spelling:
    """What PostgreSQL and SQLite spell, or hand back through a raw cursor, differently: the one place that
    knows. (Booleans need nothing: SQLite's 0 and 1 read as PostgreSQL's False and True.)"""

    def __init__(self, vendor: str):
        self.postgresql = vendor == "postgresql"

    def id_list(self, column: str) -> str:
        """An aggregate of integer ids as one "1,4,7" text."""
        return f"string_agg({column}::text, ',')" if self.postgresql else f"group_concat({column})"

    def among(self, column: str, values: list[int]) -> tuple[str, list[Any]]:
        """`column` is one of `values`: on PostgreSQL one array parameter, so a team of any size is one
        statement to parse and prepare; SQLite has no arrays, so one placeholder per value."""
        if self.postgresql:
            return f"{column} = ANY(%s)", [values]
        return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)

    @staticmethod
    def moment(value: datetime | str) -> datetime:
        """PostgreSQL hands a raw cursor aware datetimes; SQLite naive UTC ones, as text where a column is
        computed."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    @staticmethod
    def json_value(value: Any) -> Any:
        """JSON columns come back decoded from PostgreSQL's driver, as text from SQLite's (Django decodes them
        in the field, which a raw cursor skips)."""
        return json.loads(value) if isinstance(value, str) else value


def spelling() -> Spelling:
    return Spelling(connection.vendor)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str, alias: str = "") -> str:
    """A model field's column, quoted, after the table's alias in the statement if given."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} has no column of its own")
    column = connection.ops.quote_name(field.column)
    return f"{alias}.{column}" if alias else column


@cache
def _team_statement(vendor: str) -> str:
    """The team's statement, built once per database from the models' names."""
    user, profile, grant = get_user_model(), ManagerProfile, AccessGrant
    grant_shops, user_groups = AccessGrant.shops.through, user.groups.through

    def p(field: str) -> str:
        return _column(profile, field, "p")

    def u(field: str) -> str:
        return _column(user, field, "u")

    def g(field: str) -> str:
        return _column(grant, field, "g")

    last_assigned, presence_since = p("last_assigned_at"), p("presence_since")
    grant_flags = ", ".join(g(flag) for flag in ("all_shops", "all_order_types", "all_methods", "all_regions"))
    shop_list = Spelling(vendor).id_list(_column(grant_shops, "shop", "s"))
    shops_of_grant = f"{_column(grant_shops, 'accessgrant', 's')} = {g('id')}"
    group_of_row = f"{_column(Group, 'id', 'r')} = {_column(user_groups, 'group', 'ug')}"
    return f"""
        SELECT {p("id")}, {p("user")}, {u("username")}, {u("first_name")}, {u("last_name")}, {p("presence")},
               CASE WHEN {last_assigned} > {presence_since} THEN {last_assigned} ELSE {presence_since} END,
               {p("quota_override")}, {p("experience")}, {g("id")}, {grant_flags},
               {g("order_types")}, {g("methods")}, {g("regions")},
               (SELECT {shop_list} FROM {_table(grant_shops)} s WHERE {shops_of_grant})
        FROM {_table(profile)} p
        JOIN {_table(user)} u ON {u("id")} = {p("user")}
        LEFT JOIN {_table(grant)} g ON {g("user")} = {p("user")}
        WHERE {u("is_active")} AND EXISTS (
            SELECT 1 FROM {_table(user_groups)} ug JOIN {_table(Group)} r ON {group_of_row}
            WHERE {_column(user_groups, "user", "ug")} = {p("user")} AND {_column(Group, "name", "r")} = %s
        )
        ORDER BY {p("id")}
    """


def _granted(
    all_shops: bool, all_order_types: bool, all_methods: bool, all_regions: bool,
    order_types: Any, methods: Any, regions: Any, shop_ids: str | None,
) -> Granted:  # fmt: skip
    """A grant's columns, in the statement's order, as `Granted`: an "all" flag stands for every one."""
    return Granted(
        shop_ids=None if all_shops else {int(shop) for shop in shop_ids.split(",")} if shop_ids else set(),
        order_types=None if all_order_types else Spelling.json_value(order_types),
        methods=None if all_methods else Spelling.json_value(methods),
        regions=None if all_regions else Spelling.json_value(regions),
    )


def routing_team() -> list[TeamRow]:
    """The managers routing considers (as `team_profiles()`: active members of the Manager group), in profile
    order, with their presence, idle time, quota, experience, grant, open orders and conversations. Two
    statements, plain values read once into rows: a team of a thousand builds no model objects. Written by hand:
    the same reading through the ORM (three querysets) cost 1.9 ms of CPU per order against 0.4 ms for this and
    the open orders'."""
    with connection.cursor() as cursor:
        cursor.execute(_team_statement(connection.vendor), [MANAGER])
        found = cursor.fetchall()
    held = held_by_manager([row[1] for row in found])
    return [
        TeamRow(
            pk=pk,
            user_id=user_id,
            username=username,
            first_name=first_name,
            last_name=last_name,
            presence=presence,
            idle_since=Spelling.moment(idle_since),
            quota_override=quota_override,
            experience=experience,
            grant=_granted(*grant) if grant_id is not None else None,  # no grant: nothing to decode
            open_orders=held.get(user_id, Held()).orders,
            open_conversations=held.get(user_id, Held()).conversations,
        )
        for pk, user_id, username, first_name, last_name, presence, idle_since, quota_override, experience,
        grant_id, *grant in found
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Held:
    """What a manager holds open: orders, and conversations (not closed). Their load against the quota counts
    each conversation at the routing settings' weight."""

    orders: int = 0
    conversations: int = 0

    def load(self, weight: Decimal) -> Decimal:
        return self.orders + weight * self.conversations


@cache
def _held_statement(vendor: str) -> str:
    """Open orders and open conversations per manager in one statement, each counted from its (manager, …)
    index: the cost follows what the managers hold now, not everything they ever had. `{orders_of}` and
    `{conversations_of}` are filled in with `Spelling.among`."""
    order_manager = _column(Order, "manager")
    manager = _column(Conversation, "manager")
    return f"""
        SELECT held.manager, sum(held.orders), sum(held.conversations) FROM (
            SELECT {order_manager} AS manager, 1 AS orders, 0 AS conversations FROM {_table(Order)}
            WHERE {{orders_of}} AND NOT {_column(Order, "is_final")}
            UNION ALL
            SELECT {manager}, 0, 1 FROM {_table(Conversation)}
            WHERE {{conversations_of}} AND {_column(Conversation, "state")} IN (%s, %s)
        ) held GROUP BY held.manager
    """


def held_by_manager(user_ids: list[int]) -> dict[int, Held]:
    """Each manager's open orders and open conversations (a manager holding none is left out). Written by hand
    because routing counts for every new order and conversation (0.15 ms of CPU against 0.6 ms through the
    ORM). Not a count per manager inside the team's statement: PostgreSQL caches the plan of a prepared
    statement, and that count, planned while the team and the orders were small, took 39 ms at 1,000 managers
    in the bench, against 7 ms planned afresh."""
    if not user_ids:
        return {}
    spelt = spelling()
    orders_of, order_params = spelt.among(_column(Order, "manager"), user_ids)
    conversations_of, conversation_params = spelt.among(_column(Conversation, "manager"), user_ids)
    statement = _held_statement(connection.vendor).format(orders_of=orders_of, conversations_of=conversations_of)
    not_closed = [Conversation.State.OPEN.value, Conversation.State.WAITING.value]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*order_params, *conversation_params, *not_closed])
        return {manager: Held(int(orders), int(conversations)) for manager, orders, conversations in cursor}


@cache
def _lock_statement(vendor: str) -> str:
    profiles = _table(ManagerProfile)
    noted, pk = _column(ManagerProfile, "last_assigned_at"), _column(ManagerProfile, "id")
    user, presence = _column(ManagerProfile, "user"), _column(ManagerProfile, "presence")
    return f"UPDATE {profiles} SET {noted} = %s WHERE {pk} = %s RETURNING {user}, {presence}"


def manager_lock(profile_pk: int, *, now: datetime) -> tuple[int, str]:
    """Lock a manager's row, noting `now` as their last assignment; their user id and presence as they stand
    under the lock. One statement both locks and notes (routing's hottest row: 1.1 ms of CPU for the lock and
    the note through the ORM, 0.2 ms this way)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _lock_statement(connection.vendor), [connection.ops.adapt_datetimefield_value(now), profile_pk]
        )
        user_id, presence = cursor.fetchone()
    return user_id, presence
