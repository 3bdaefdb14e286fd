from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The supervisor's dashboard: routing's team load, the orders and tasks that need a person, open claims."""

    name = "dashboard"
    verbose_name = _("Dashboard")
