#!/usr/bin/env bash
# Production-like: migrate, sync the q2 schedules, then the q2 cluster and gunicorn against DATABASE_URL.
# WEB_WORKERS (default 4) gunicorn workers on BIND (default 127.0.0.1:8000); Ctrl-C stops both. The workers are
# uvicorn's (ASGI, config/asgi.py): each serves its open push streams (the caller's card) from one event loop and
# one LISTEN connection, beside the pages. Run more of
# these on more machines against one PostgreSQL: the desk keeps no state outside the database.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export REQUEST_LOG="${REQUEST_LOG:-1}"
$PY manage.py migrate --noinput -v0
$PY manage.py sync_schedules
$PY manage.py qcluster &
QPID=$!
trap 'kill $QPID 2>/dev/null; wait $QPID 2>/dev/null' EXIT INT TERM
exec_args=(--workers "${WEB_WORKERS:-4}" --bind "${BIND:-127.0.0.1:8000}" --timeout 30)  # requests are logged by the app
.venv/bin/gunicorn config.asgi:application --worker-class uvicorn_worker.UvicornWorker "${exec_args[@]}"
