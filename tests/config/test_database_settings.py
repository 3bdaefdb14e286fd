"""How the desk talks to its database: settings read from the environment, and prepared statements on
PostgreSQL (planned once per connection, not once per request)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from orders.models import Status


def database_settings(**env) -> dict:
    """The default database as the settings module builds it under this environment (a fresh process)."""
    code = "import json; from django.conf import settings as s; print(json.dumps(s.DATABASES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_statements():
    options = database_settings(DATABASE_URL="postgres://desk@db.example/orderdesk")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_pooler_in_transaction_mode():
    settings = database_settings(DATABASE_URL="postgres://desk@db.example/orderdesk", DB_PREPARED_STATEMENTS="0")
    assert settings.get("OPTIONS", {}) == {}


def test_sqlite_waits_for_the_file_lock_and_has_no_prepared_statements():
    options = database_settings(DATABASE_URL="sqlite:////tmp/desk.sqlite3")["OPTIONS"]
    assert options == {"timeout": 20, "transaction_mode": "IMMEDIATE"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_run_again_and_again_on_one_connection_is_prepared_by_postgresql():
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(6):
        Status.objects.filter(code="new").exists()
    assert any('FROM "orders_status"' in statement for statement in prepared())
