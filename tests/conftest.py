import os
import shutil
import subprocess
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from config.fake_twilio import FakeTwilio

CHROMIUM = "/usr/bin/chromium"
# The desk's Twilio account in tests; the real client talks to a fake Twilio on 127.0.0.1 (config/fake_twilio.py).
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token"
SMS_FROM = "+15005550006"
WHATSAPP_FROM = "whatsapp:+14155238886"
# Playwright's sync API runs an event loop in the test thread; the ORM calls a test makes beside it are
# still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """ORDERDESK_TEST_CLOCK="2026-12-31T23:50:00+03:00" runs the whole suite from that moment on, the clock ticking
    (`scripts/test-at.sh`): the desk and its live server live then (time-machine patches the process; Chromium
    keeps the machine's clock, and the pages carry the desk's own "now")."""
    moment = os.environ.get("ORDERDESK_TEST_CLOCK")
    if moment:
        config._orderdesk_clock = time_machine.travel(datetime.fromisoformat(moment), tick=True)
        config._orderdesk_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_orderdesk_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    moment = os.environ.get("ORDERDESK_TEST_CLOCK")
    return f"the suite's clock starts at {moment}" if moment else None


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


LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue():
    """A plain `pytest` has the Russian the .po says: each catalogue is compiled (msgfmt) when its .mo is missing
    or older than its .po, and Django forgets any catalogue it read before. Not checked here: a wrong entry is
    tests/core/test_translations.py's to name."""
    from django.utils.translation import trans_real

    stale = [
        po
        for po in LOCALE.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    for po in stale:
        subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    if stale:
        trans_real._translations = {}
        trans_real._default = None


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
    # The ladders (no answer; busy and unreachable since 0035) only when flushed: the first transactional test of a
    # run still has the migrations' rows, and 0004 finds its step by `miss` alone, which three ladders now share.
    if not apps.get_model("orders", "NoAnswerStep").objects.exists():
        importlib.import_module("orders.migrations.0004_default_no_answer_ladder").create(apps, None)
        importlib.import_module("orders.migrations.0035_voice").add_ladders(apps, None)


@pytest.fixture
def twilio_account(settings):
    """The desk's Twilio account and public address, as production sets them from the environment."""
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_SMS_FROM = SMS_FROM
    settings.TWILIO_WHATSAPP_FROM = WHATSAPP_FROM
    settings.SITE_URL = "https://desk.example.com"
    return settings


@pytest.fixture
def twilio(twilio_account):
    """The real twilio client, pointed at a fake Twilio on 127.0.0.1 that records what it was sent."""
    fake = FakeTwilio(token=AUTH_TOKEN).start()
    twilio_account.TWILIO_BASE_URL = fake.base_url
    yield fake
    fake.stop()


# Fixtures that open the test database: the pure rules' tests use none of them.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "client", "admin_client"}


def pytest_collection_modifyitems(config, items):
    """Tests marked `pure` (the pure rules' tests, `test_*_rules.py` files that say so) run without a database, so
    they stay fast and prove the rule is pure: one also marked `django_db` or asking for the database is refused
    here, and any query a rule makes fails (pytest-django blocks the database for unmarked tests)."""
    for item in items:
        if item.get_closest_marker("pure") and (
            item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            raise pytest.UsageError(f"{item.nodeid}: a test of pure rules must not use the database")


@pytest.fixture
def speaking(settings):
    """`with speaking("ru"):` — the desk's language for that block, for pages (a person with no choice of their
    own reads the desk's language, per request) and for code run in the test itself. `translation.override`
    alone does not reach a page: the language middleware sets each request's own."""

    @contextmanager
    def desk_language(code: str):
        before = settings.LANGUAGE_CODE
        settings.LANGUAGE_CODE = code
        try:
            with translation.override(code):
                yield
        finally:
            settings.LANGUAGE_CODE = before

    return desk_language
