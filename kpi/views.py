"""The KPI page and its CSV: supervisors see every manager of their shops; a manager sees their own row and the
team's totals, never a colleague's name (kpi.scope)."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import roles
from core.http import role_required
from core.pagination import paginate
from core.people import staff_name
from kpi.figures import COLUMNS, SORTS, csv_heads, csv_line, figure_of
from kpi.rollup import day_bounds, kpi_period, kpi_series, live_figures
from kpi.scope import KpiScope, kpi_scope
from kpi.selectors import (
    kpi_call_rows,
    kpi_calls_of,
    kpi_conversation_rows,
    kpi_conversations_of,
    kpi_missed_by_shop,
    kpi_orders_of,
    kpi_rows,
)
from orders.models import Status
from orders.selectors import shop_scope, status_by_code

kpi_readers_only = role_required(
    roles.can_read_kpis, gettext_lazy("The KPI page is for supervisors and managers.")
)


def _figures(request, scope: KpiScope):
    """The rows the viewer sees, sorted as asked, the team's totals and the live days' figures."""
    live = live_figures(period=scope.period)
    rows, team = kpi_period(managers=scope.team, period=scope.period, live=live)
    rows = [row for row in rows if scope.sees(row.manager)]
    sort = request.GET.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    present = [row for row in rows if key(row) is not None]
    rows = sorted(present, key=key, reverse=sort.startswith("-")) + [row for row in rows if key(row) is None]
    return rows, team, live


@kpi_readers_only
def kpi_view(request):
    scope = kpi_scope(request.user, request.GET)
    rows, team, live = _figures(request, scope)
    headcount = len(scope.team) or 1
    series = kpi_series(managers=scope.team, period=scope.period, live=live)
    # A manager's chart shows the team's orders and their own ratings, never a colleague's.
    series.rating_by_manager = [(m, values) for m, values in series.rating_by_manager if scope.sees(m)]
    # The team's last line: a column's count per manager, or nothing for a share, a time or an average.
    averages = [
        None if column.average is None else round(getattr(team, column.average) / headcount, 1)
        for column in COLUMNS[1:]
    ]
    statuses = list(Status.objects.filter(is_final=False).order_by("position"))
    # Average time in each status: a row per manager shown, then the team (the chart draws the team's row); each
    # average leads to the orders that left the status, for whoever may follow the row's numbers.
    stays = [
        (label, link_to, [(s.code, row.status_average(s.code), row.status_times(s.code)) for s in statuses])
        for label, link_to, row in [
            *((row.manager, row.manager.pk, row) for row in rows),
            (_("Team"), "team" if scope.sees_all else "", team),
        ]
    ]
    shops = shop_scope(request.user)
    if scope.shop:
        shops = shops.filter(pk=scope.shop)
    start, end = day_bounds(scope.period.first)[0], day_bounds(scope.period.last)[1]
    if scope.sees_all:
        scope.form.offer_shops(shop_scope(request.user))
    return render(
        request,
        "kpi/kpi.html",
        {
            "form": scope.form,
            "period": scope.period,
            "rows": rows,
            "team": team,
            "headcount": headcount,
            "averages": averages,
            "sees_all": scope.sees_all,
            "sort": request.GET.get("sort", "name"),
            "query": request.GET.copy(),
            "columns": [(column.key, column.head) for column in COLUMNS],
            "series": series,
            "statuses": statuses,
            "stays": stays,
            "missed_by_shop": kpi_missed_by_shop(shops=shops, start=start, end=end),
        },
        status=400 if scope.form.is_bound and not scope.form.is_valid() else 200,
    )


@kpi_readers_only
def kpi_csv_view(request):
    """The table for payroll, with the period and the shop in the file name."""
    scope = kpi_scope(request.user, request.GET)
    rows, team, _live = _figures(request, scope)
    period = scope.period
    where = f"shop-{scope.shop}" if scope.shop else "all-shops"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpi_{where}_{period.first}_{period.last}.csv"'
    writer = csv.writer(response)
    writer.writerow(csv_heads())
    for row in rows:
        writer.writerow(csv_line(row, staff_name(row.manager), row.manager.username))
    writer.writerow(csv_line(team, _("Team"), ""))
    return response


def _behind_a_number(request, lists: str):
    """What the orders and the conversations behind a number share: the figure, whose rows, the period and the
    way back to the KPI page as it was (period, shop and sort)."""
    scope = kpi_scope(request.user, request.GET)
    figure = figure_of(request.GET.get("figure", ""))
    if figure is None or figure.lists != lists:
        raise Http404(_("The KPI table has no such number."))
    who = request.GET.get("manager", "")
    people = scope.people(who)
    if people is None:
        raise Http404(_("No such manager on this KPI page."))
    period = scope.period
    start, end = day_bounds(period.first)[0], day_bounds(period.last)[1]
    back = request.GET.copy()
    for key in ("figure", "manager", "page"):
        back.pop(key, None)
    context = {
        "figure": figure.title,
        "who": people[0] if len(people) == 1 and who != "team" else None,
        "period": period,
        "back": back,
        "shop": scope.shop,
    }
    return figure, people, start, end, context


@kpi_readers_only
def kpi_orders_view(request):
    """The orders behind a number of the KPI table: a figure, for one manager or (for those who see every row)
    the whole team, over the page's period."""
    figure, people, start, end, context = _behind_a_number(request, "orders")
    rows = kpi_rows(user=request.user, figure=figure, people=[m.pk for m in people], start=start, end=end)
    page = paginate(request, rows)
    lines = kpi_orders_of(rows=page.items, people={m.pk: m for m in people})
    page.items = [(order, person) for order, person in lines if order is not None]
    context |= {"page": page, "without_order": len(lines) - len(page.items), "statuses": status_by_code()}
    return render(request, "kpi/kpi_orders.html", context)


@kpi_readers_only
def kpi_conversations_view(request):
    """The conversations behind a conversations' number of the KPI table, like the orders behind the others."""
    figure, people, start, end, context = _behind_a_number(request, "conversations")
    rows = kpi_conversation_rows(
        user=request.user, figure=figure, people=[m.pk for m in people], start=start, end=end
    )
    page = paginate(request, rows)
    page.items = kpi_conversations_of(rows=page.items, people={m.pk: m for m in people})
    return render(request, "kpi/kpi_conversations.html", context | {"page": page})


@kpi_readers_only
def kpi_calls_view(request):
    """The phone calls behind a calls' number of the KPI table; a shop's missed calls (the table per shop) for
    those who see every row."""
    figure, people, start, end, context = _behind_a_number(request, "calls")
    by_shop = figure.kept_as is None  # a shop's number, not a manager's: everyone's rows in the shop asked
    rows = kpi_call_rows(
        user=request.user,
        figure=figure,
        people=None if by_shop else [m.pk for m in people],
        start=start,
        end=end,
        shop=context["shop"] if by_shop else None,
    )
    page = paginate(request, rows)
    page.items = kpi_calls_of(rows=page.items, people={m.pk: m for m in people})
    return render(request, "kpi/kpi_calls.html", context | {"page": page})
