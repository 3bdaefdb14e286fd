"""django-q2 entry points of the KPIs."""

from kpi.rollup import kpi_rollup_due


def roll_up_kpis() -> int:
    return kpi_rollup_due()
