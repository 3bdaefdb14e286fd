"""KPI reads: the rows behind a number that the viewer may see, and a page of them as orders or conversations."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from kpi.figures import Figure
from kpi.sources import figure_rows
from kpi.touch import touch_bucket, touch_percentile
from orders.models import CallLeg, Conversation, Order, PhoneCall, Shop, Task
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


def kpi_call_rows(
    *,
    user: User,
    figure: Figure,
    people: list[int] | None,
    start: datetime,
    end: datetime,
    shop: int | None = None,
) -> QuerySet[Any, tuple[int, int | None]]:
    """What a calls' KPI number counted that the viewer may see (their shops'), one (call id, person) per
    counted row (a call that rang two managers who did not answer: two lines), the latest call first. `people`
    None and `shop`: a shop's number (its missed calls)."""
    rows = figure_rows(figure, start, end, people)
    call = "call__" if rows.model is CallLeg else ""
    rows = rows.filter(**{f"{call}shop__in": shop_scope(user)})
    if shop is not None:
        rows = rows.filter(**{f"{call}shop": shop})
    return rows.order_by(f"-{call}started_at", "-pk").values_list(f"{call}pk", "person")


def kpi_calls_of(
    *, rows: list[tuple[int, int | None]], people: dict[int, User]
) -> list[tuple[PhoneCall, User | None]]:
    """A page of KPI rows as (phone call, the person it counted for), in the rows' order; the managers each
    call rang come with it (one more query)."""
    calls = (
        PhoneCall.objects.select_related("shop", "customer", "order", "manager")
        .prefetch_related("legs__manager")
        .in_bulk({pk for pk, _ in rows})
    )
    return [(calls[pk], people.get(person) if person is not None else None) for pk, person in rows]


def kpi_missed_by_shop(*, shops: QuerySet[Shop], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Each shop's missed calls of the period: how many, how many were called back and the median time to the
    call back (to a bound of kpi.touch's histogram), how many still wait; shops without missed calls left out.
    Two grouped queries, however many calls and shops."""
    missed = PhoneCall.objects.filter(shop__in=shops, missed_at__gte=start, missed_at__lt=end).order_by()
    counts = missed.values("shop", "shop__name").annotate(
        missed=Count("pk"), called_back=Count("pk", filter=Q(called_back_at__isnull=False))
    )
    histograms: dict[int, dict[str, int]] = {}
    called_back = missed.filter(called_back_at__isnull=False)
    for shop, bucket, count in (
        called_back.values("shop", bucket=touch_bucket("missed_at", "called_back_at"))
        .annotate(n=Count("pk"))
        .values_list("shop", "bucket", "n")
    ):
        histograms.setdefault(shop, {})[str(bucket)] = count
    return sorted(
        (
            {
                "shop": row["shop"],
                "name": row["shop__name"],
                "missed": row["missed"],
                "called_back": row["called_back"],
                "waiting": row["missed"] - row["called_back"],
                "median": touch_percentile(histograms.get(row["shop"], {}), 0.5),
            }
            for row in counts
        ),
        key=lambda row: row["name"].lower(),
    )
