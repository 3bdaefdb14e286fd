#!/usr/bin/env bash
# Migrate, load the demo and run the web server, the django-q2 cluster and (unless DEMO_STOREFRONT=0) a demo
# storefront that pushes orders through the intake API while demo managers act; Ctrl-C stops them all.
# Without TWILIO_ACCOUNT_SID a fake Twilio on 127.0.0.1:8765 takes the customer messages and reports them
# delivered, so messages visibly flow; set the TWILIO_* variables to send through a real account.
# The fake Twilio also plays the phone: every 40–90 s (DEMO_CALLS_EVERY, e.g. "20-40"; 0: never) a demo customer
# rings a demo shop's number and the rung managers "answer" at random, so the caller's card and missed calls move.
# DEMO_PORT (8000) and DEMO_TWILIO_PORT (8765) move the desk and the fake Twilio to other ports.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
export TWO_FACTOR="${TWO_FACTOR:-0}"  # the demo's logins work with a password alone
export Q_LOG_LEVEL="${Q_LOG_LEVEL:-WARNING}"  # q2's three lines per task would bury the logins
PORT="${DEMO_PORT:-8000}"
TWILIO_PORT="${DEMO_TWILIO_PORT:-8765}"
PY=.venv/bin/python
PIDS=()
stop() {
  trap - EXIT INT TERM
  kill "${PIDS[@]}" 2>/dev/null || true
  # The q2 cluster may sit out a TERM (its workers go first and it waits on them): a few seconds, then KILL,
  # its own children included, so nothing is left holding the port or the database.
  for _ in $(seq 1 50); do
    kill -0 "${PIDS[@]}" 2>/dev/null || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM
if [ -z "${TWILIO_ACCOUNT_SID:-}" ]; then
  export TWILIO_ACCOUNT_SID="AC00000000000000000000000000demo" TWILIO_AUTH_TOKEN="demo-twilio-token"
  export TWILIO_SMS_FROM="+15005550006" TWILIO_WHATSAPP_FROM="whatsapp:+14155238886"
  export TWILIO_BASE_URL="http://127.0.0.1:$TWILIO_PORT" SITE_URL="http://127.0.0.1:$PORT"
  $PY -m config.fake_twilio --port "$TWILIO_PORT" --token "$TWILIO_AUTH_TOKEN" \
    --voice-url "http://127.0.0.1:$PORT/webhooks/twilio/voice/" --calls-every "${DEMO_CALLS_EVERY:-40-90}" &
  PIDS+=($!)
fi
# The inbound email webhook's basic auth secret: the desk and the demo storefront's letters share it.
export ANYMAIL_WEBHOOK_SECRET="${ANYMAIL_WEBHOOK_SECRET:-demo:demo-inbound-email}"
$PY manage.py migrate --noinput -v0
LOGINS="$($PY manage.py load_demo)"
echo "$LOGINS"
$PY manage.py qcluster &
PIDS+=($!)
if [ "${DEMO_STOREFRONT:-1}" != "0" ]; then
  $PY manage.py demo_live --url "http://127.0.0.1:$PORT" &
  PIDS+=($!)
fi
$PY manage.py runserver "127.0.0.1:$PORT" --noreload &
PIDS+=($!)
# The logins scroll away under the start-up lines: say them again once the desk answers.
for _ in $(seq 1 60); do
  if $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/login/', timeout=1)" 2>/dev/null; then
    echo
    echo "$LOGINS"
    echo "Orderdesk is ready: http://127.0.0.1:$PORT/  (Ctrl-C to stop)"
    break
  fi
  sleep 1
done
wait "${PIDS[-1]}"
