from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    """The KPIs: figures, daily rollups, the KPI page, its CSV and the orders behind a number."""

    name = "kpi"
    verbose_name = _("KPIs")
