"""The KPIs and the dashboard sit above routing and feedback: `assignment` imports neither the KPIs nor
feedback (its KPI modules were the only reason it did), and no app below the dashboard imports it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(app: str) -> set[str]:
    """The top-level packages an app's code imports (its migrations and tests included)."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
    return found


def test_routing_imports_neither_the_kpis_nor_feedback_nor_the_dashboard():
    assert _imports("assignment") & {"kpi", "feedback", "dashboard"} == set()


@pytest.mark.parametrize("app", ["orders", "assignment", "feedback", "notifications", "accounts", "kpi"])
def test_no_app_below_the_dashboard_imports_it(app):
    assert "dashboard" not in _imports(app)
