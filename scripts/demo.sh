#!/usr/bin/env bash
# Migrate, load the demo and run the web server and the django-q2 cluster together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo
$PY manage.py qcluster &
QPID=$!
trap 'kill $QPID 2>/dev/null; wait $QPID 2>/dev/null' EXIT INT TERM
echo "Orderdesk: http://127.0.0.1:8000/  (Ctrl-C to stop)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
