#!/usr/bin/env bash
# Migrate, load the demo and run the web server, the django-q2 cluster and (unless DEMO_STOREFRONT=0) a demo
# storefront that pushes orders through the intake API while demo managers act; Ctrl-C stops them all.
# Without TWILIO_ACCOUNT_SID a fake Twilio on 127.0.0.1:8765 takes the customer messages and reports them
# delivered, so messages visibly flow; set the TWILIO_* variables to send through a real account.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
export TWO_FACTOR="${TWO_FACTOR:-0}"  # the demo's logins work with a password alone
PY=.venv/bin/python
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null' EXIT INT TERM
if [ -z "${TWILIO_ACCOUNT_SID:-}" ]; then
  export TWILIO_ACCOUNT_SID="AC00000000000000000000000000demo" TWILIO_AUTH_TOKEN="demo-twilio-token"
  export TWILIO_SMS_FROM="+15005550006" TWILIO_WHATSAPP_FROM="whatsapp:+14155238886"
  export TWILIO_BASE_URL="http://127.0.0.1:8765" SITE_URL="http://127.0.0.1:8000"
  $PY -m config.fake_twilio --port 8765 --token "$TWILIO_AUTH_TOKEN" &
  PIDS+=($!)
fi
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo
$PY manage.py qcluster &
PIDS+=($!)
if [ "${DEMO_STOREFRONT:-1}" != "0" ]; then
  $PY manage.py demo_live &
  PIDS+=($!)
fi
echo "Orderdesk: http://127.0.0.1:8000/  (Ctrl-C to stop)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
