import os
import shutil

import pytest
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; the ORM calls a test makes beside it are
# still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _required(name: str) -> bool:
    return os.environ.get(name) == "1"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        reason = f"needs PostgreSQL; the suite is running on {connection.vendor}"
        if _required("REQUIRE_PG"):
            pytest.fail(f"REQUIRE_PG=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        reason = f"needs headless Chromium at {CHROMIUM} (apt-get install chromium)"
        if _required("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER=1 but it {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    """CI must not pass by skipping the tests that matter: say so loudly if any were skipped."""
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped and (_required("REQUIRE_PG") or _required("REQUIRE_BROWSER")):
        terminalreporter.write_line(
            f"ERROR: {len(skipped)} test(s) skipped under REQUIRE_PG/REQUIRE_BROWSER", red=True
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and (_required("REQUIRE_PG") or _required("REQUIRE_BROWSER")) and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def default_pipeline(transactional_db):
    """Transactional tests flush the database between tests, taking the migrations' data (roles, the
    default statuses and matrix, the no-answer ladder) with it; put it back the way the data migration makes it."""
    import importlib

    from django.apps import apps

    importlib.import_module("orders.migrations.0002_roles_and_default_pipeline").create(apps, None)
    importlib.import_module("orders.migrations.0004_default_no_answer_ladder").create(apps, None)
