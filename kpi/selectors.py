"""KPI reads: the rows behind a number that the viewer may see, and a page of them as orders or conversations."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from kpi.figures import Figure
from kpi.sources import figure_rows
from orders.models import Conversation, Order, Task
from orders.selectors import order_scope, shop_scope


def kpi_rows(
    *, user: User, figure: Figure, people: list[int], start: datetime, end: datetime
) -> QuerySet[Any, tuple[int | None, int]]:
    """What a KPI number counted that the viewer may see, one (order id, person) per counted row, newest order
    first: an order counts once for each time it counted (two calls: two lines). A task about a customer rather
    than an order has no order id."""
    rows = figure_rows(figure, start, end, people)
    seen = Q(order__in=order_scope(user))
    if rows.model is Task:
        seen |= Q(order__isnull=True, customer__shop__in=shop_scope(user))
    return (
        rows.filter(seen)
        .order_by("-order__created_at", "-order_id", "person", "pk")
        .values_list("order_id", "person")
    )


def kpi_orders_of(
    *, rows: list[tuple[int | None, int]], people: dict[int, User]
) -> list[tuple[Order | None, User | None]]:
    """A page of KPI rows as (order, the person it counted for), in the rows' order (an order twice when it
    counted twice); `people`: the people shown, by id."""
    orders = Order.objects.select_related("shop", "customer", "manager").in_bulk(
        {order_id for order_id, _ in rows if order_id is not None}
    )
    return [(orders.get(order_id), people.get(person)) for order_id, person in rows]


def kpi_conversation_rows(
    *, user: User, figure: Figure, people: list[int], start: datetime, end: datetime
) -> QuerySet[Any, tuple[int, int]]:
    """What a conversations' KPI number counted that the viewer may see (their shops'), one (conversation id,
    person) per counted row, the newest conversation first."""
    rows = figure_rows(figure, start, end, people)
    return (
        rows.filter(shop__in=shop_scope(user)).order_by("-created_at", "-pk", "person").values_list("pk", "person")
    )


def kpi_conversations_of(
    *, rows: list[tuple[int, int]], people: dict[int, User]
) -> list[tuple[Conversation, User | None]]:
    """A page of KPI rows as (conversation, the person it counted for), in the rows' order."""
    conversations = Conversation.objects.select_related("shop", "customer", "manager").in_bulk(
        {pk for pk, _ in rows}
    )
    return [(conversations[pk], people.get(person)) for pk, person in rows]
