"""The KPI page and its CSV: supervisors see every manager of their shops; a manager sees their own row and the
team's totals, never a colleague's name."""

import csv
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assignment.kpi import Period, Row, day_bounds, kpi_period, kpi_series, live_figures
from assignment.kpi_sources import STAY, figure_narrowed
from assignment.selectors import kpi_orders_of, kpi_rows
from orders import roles
from orders.models import Status
from orders.pagination import paginate
from orders.roles import staff_name
from orders.selectors import managers_covering_shop, managers_covering_user_shops, shop_scope, status_by_code

PERIODS = [("today", "Today"), ("7d", "7 days"), ("30d", "30 days"), ("custom", "Custom")]
SORTS = {
    "name": lambda row: staff_name(row.manager).lower(),
    "taken": lambda row: row.taken,
    "completed": lambda row: row.completed,
    "cancelled": lambda row: row.cancelled,
    "overdue": lambda row: row.overdue_share,
    "timeouts": lambda row: row.timeouts,
    "touch": lambda row: row.first_touch_median,
    "calls": lambda row: row.calls,
    "reached": lambda row: row.reached_share,
    "tasks": lambda row: row.on_time_share,
    "ratings": lambda row: row.rating_count,
    "rating": lambda row: row.rating_average,
    "claims": lambda row: row.claims_opened,
}


class PeriodForm(forms.Form):
    period = forms.ChoiceField(choices=PERIODS, required=False)
    first = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    shop = forms.IntegerField(required=False)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean() returns its cleaned_data
        if cleaned.get("period") == "custom":
            first, last = cleaned.get("first"), cleaned.get("last")
            if not first or not last:
                raise forms.ValidationError("Give both days of a custom period.")
            if first > last:
                raise forms.ValidationError("The period's first day comes after its last.")
            if last - first > timedelta(days=366):
                raise forms.ValidationError("A period is at most a year.")
        return cleaned

    def period_of(self, today) -> Period:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or "7d"
        if choice == "custom":
            return Period(data["first"], data["last"])
        days = {"today": 1, "7d": 7, "30d": 30}[choice]
        return Period(today - timedelta(days=days - 1), today)


def _team(request):
    """Who the viewer's KPI page covers, for the period and shop asked: (form, period, shop, managers, whether
    the viewer sees every row). Supervisors and admins see every manager of their shops; a manager, their own
    row."""
    user = request.user
    if not (roles.is_supervisor(user) or roles.is_manager(user) or roles.is_admin(user)):
        raise PermissionDenied("The KPI page is for supervisors and managers.")
    form = PeriodForm(request.GET or None)
    period = form.period_of(timezone.localdate())
    managers = managers_covering_user_shops(user)
    shop = form.cleaned_data.get("shop") if form.is_bound and form.is_valid() else None
    if shop:
        managers = managers.filter(id__in=managers_covering_shop(shop_id=shop))
    return form, period, shop, list(managers.distinct()), roles.is_supervisor(user) or roles.is_admin(user)


def _figures(request):
    form, period, shop, team_members, sees_all = _team(request)
    user = request.user
    live = live_figures(period=period)
    rows, team = kpi_period(managers=team_members, period=period, live=live)
    if not sees_all:
        rows = [row for row in rows if row.manager is not None and row.manager.pk == user.pk]
    sort = request.GET.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    present = [row for row in rows if key(row) is not None]
    rows = sorted(present, key=key, reverse=sort.startswith("-")) + [row for row in rows if key(row) is None]
    return form, period, rows, team, team_members, sees_all, shop, live


def kpi_view(request):
    form, period, rows, team, team_members, sees_all, shop, live = _figures(request)
    headcount = len(team_members) or 1
    series = kpi_series(managers=team_members, period=period, live=live)
    if not sees_all:  # a manager's chart shows the team's orders and their own ratings, never a colleague's
        series.rating_by_manager = [
            (m, values) for m, values in series.rating_by_manager if m.pk == request.user.pk
        ]
    average = {
        name: round(value / headcount, 1) for name, value in team.values.items() if isinstance(value, int | float)
    }
    statuses = list(Status.objects.filter(is_final=False).order_by("position"))
    # Average time in each status: a row per manager shown, then the team (the chart draws the team's row); each
    # average leads to the orders that left the status, for whoever may follow the row's numbers.
    stays = [
        (label, link_to, [(s.code, row.status_average(s.code), row.status_times(s.code)) for s in statuses])
        for label, link_to, row in [
            *((row.manager, row.manager.pk, row) for row in rows),
            ("Team", "team" if sees_all else "", team),
        ]
    ]
    return render(
        request,
        "assignment/kpi.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "team": team,
            "headcount": headcount,
            "average": average,
            "sees_all": sees_all,
            "shops": shop_scope(request.user),
            "shop": shop,
            "sort": request.GET.get("sort", "name"),
            "query": request.GET.copy(),
            "columns": COLUMN_HEADS,
            "series": series,
            "statuses": statuses,
            "stays": stays,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


COLUMN_HEADS = [
    ("name", "Manager"), ("taken", "Taken"), ("completed", "Completed"), ("cancelled", "Cancelled"),
    ("overdue", "Overdue"), ("timeouts", "Timeouts"), ("touch", "First touch"), ("calls", "Calls"),
    ("reached", "Reached"), ("tasks", "Tasks on time"), ("ratings", "Ratings"), ("rating", "Avg rating"),
    ("claims", "Claims"),
]  # fmt: skip

COLUMNS = [
    "manager", "username", "taken", "completed", "cancelled", "overdue share", "acceptance timeouts",
    "first touch median s", "first touch p90 s", "calls", "reached share", "tasks closed", "on time share",
    "ratings", "average rating", "1", "2", "3", "4", "5", "claims opened", "claims resolved",
]  # fmt: skip


def _csv_row(row: Row, name: str, username: str) -> list:
    def share(value):
        return "" if value is None else f"{value:.3f}"

    return [
        name, username, row.taken, row.completed, row.cancelled, share(row.overdue_share), row.timeouts,
        "" if row.first_touch_median is None else round(row.first_touch_median), row.first_touch_p90 or "",
        row.calls, share(row.reached_share), row.tasks_done, share(row.on_time_share), row.rating_count,
        share(row.rating_average), *row.ratings, row.claims_opened, row.claims_resolved,
    ]  # fmt: skip


def kpi_csv_view(request):
    """The table for payroll, with the period and the shop in the file name."""
    form, period, rows, team, _, sees_all, shop, _ = _figures(request)
    where = f"shop-{shop}" if shop else "all-shops"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpi_{where}_{period.first}_{period.last}.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_csv_row(row, staff_name(row.manager), row.manager.username))
    writer.writerow(_csv_row(team, "Team", ""))
    return response


def kpi_orders_view(request):
    """The orders behind a number of the KPI table: a figure, for one manager or (for those who see every row)
    the whole team, over the page's period."""
    form, period, _, team_members, sees_all = _team(request)
    figure = request.GET.get("figure", "")
    title = _figure_title(figure)
    if title is None:
        raise Http404("The KPI table has no such number.")
    who = request.GET.get("manager", "")
    if who == "team" and sees_all:
        people = team_members
    else:
        people = [m for m in team_members if str(m.pk) == who and (sees_all or m.pk == request.user.pk)]
        if not people:
            raise Http404("No such manager on this KPI page.")
    start, end = day_bounds(period.first)[0], day_bounds(period.last)[1]
    back = request.GET.copy()  # the KPI page as it was: period, shop and sort
    for key in ("figure", "manager", "page"):
        back.pop(key, None)
    rows = kpi_rows(user=request.user, figure=figure, people=[m.pk for m in people], start=start, end=end)
    page = paginate(request, rows)
    lines = kpi_orders_of(rows=page.items, people={m.pk: m for m in people})
    page.items = [(order, person) for order, person in lines if order is not None]
    return render(
        request,
        "assignment/kpi_orders.html",
        {
            "figure": title,
            "who": people[0] if len(people) == 1 and who != "team" else None,
            "period": period,
            "page": page,
            "without_order": len(lines) - len(page.items),
            "statuses": status_by_code(),
            "back": back,
        },
    )


FIGURE_NAMES = {
    "taken": "Taken", "completed": "Completed", "cancelled": "Cancelled", "overdue": "Went overdue",
    "timeouts": "Acceptance timed out", "touch": "Taken up after assignment", "calls": "Called",
    "reached": "Called and reached", "tasks": "Tasks closed", "tasks_on_time": "Tasks closed on time",
    "ratings": "Rated", "claims": "Claims opened", "claims_resolved": "Claims resolved",
    **{f"rated_{n}": f"Rated {n}" for n in range(1, 6)},
}  # fmt: skip


def _figure_title(figure: str) -> str | None:
    """What the orders behind a number are, as the page's title; None for a number the table has not."""
    if figure_narrowed(figure) is None:
        return None
    if figure.startswith(STAY):
        status = Status.objects.filter(code=figure.removeprefix(STAY)).first()
        return f"Moved on from {status.name}" if status else None
    return FIGURE_NAMES[figure]
