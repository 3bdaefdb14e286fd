#!/usr/bin/env bash
# Migrate, load the demo and run the web server, the django-q2 cluster and (unless DEMO_STOREFRONT=0) a demo
# storefront that pushes orders through the intake API while demo managers act; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo
PIDS=()
$PY manage.py qcluster &
PIDS+=($!)
if [ "${DEMO_STOREFRONT:-1}" != "0" ]; then
  $PY manage.py demo_live &
  PIDS+=($!)
fi
trap 'kill "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null' EXIT INT TERM
echo "Orderdesk: http://127.0.0.1:8000/  (Ctrl-C to stop)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
