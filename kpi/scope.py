"""Whose figures a viewer's KPI page covers and whose rows they see: the one place that says "a manager sees
their own row (and the team's totals), supervisors and admins every manager of their shops". The page, its
charts, the CSV and the orders behind a number all ask it."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.http import QueryDict
from django.utils import timezone

from core import roles
from kpi.forms import PeriodForm
from kpi.rollup import Period
from orders.selectors import managers_covering_shop, managers_covering_user_shops


@dataclass
class KpiScope:
    viewer: User
    form: PeriodForm
    period: Period
    shop: int | None
    team: list  # every manager of the viewer's shops (or the shop asked): the team's totals add them all up
    sees_all: bool  # supervisors and admins: every manager's row; a manager: their own

    def sees(self, manager: User | None) -> bool:
        """Whether the viewer sees this manager's row, chart line and the orders behind their numbers."""
        return self.sees_all or (manager is not None and manager.pk == self.viewer.pk)

    @property
    def shown(self) -> list:
        """The managers whose rows the viewer sees."""
        return [manager for manager in self.team if self.sees(manager)]

    def people(self, who: str) -> list | None:
        """Whose counted rows the orders behind a number list: "team" (for those who see every row) or one
        manager's id the viewer sees; None for anyone else."""
        if who == "team":
            return self.team if self.sees_all else None
        return [manager for manager in self.shown if str(manager.pk) == who] or None


def kpi_scope(viewer: User, params: QueryDict) -> KpiScope:
    """The KPI page's scope for this viewer and the period and shop asked (`params`: the page's query)."""
    form = PeriodForm(params or None)
    period = form.period_of(timezone.localdate())
    managers = managers_covering_user_shops(viewer)
    shop = form.cleaned_data.get("shop") if form.is_bound and form.is_valid() else None
    if shop:
        managers = managers.filter(id__in=managers_covering_shop(shop_id=shop))
    sees_all = roles.can_read_team_kpis(viewer)
    return KpiScope(viewer, form, period, shop, list(managers.distinct()), sees_all)
