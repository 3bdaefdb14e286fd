#!/usr/bin/env bash
# The storefront API against its own OpenAPI document: a desk on a throwaway SQLite database (migrated, the demo
# loaded: shops "garden" and "gadgets" with their keys and orders), served by runserver on a free loopback port,
# then schemathesis runs every documented operation (examples, boundary cases, random and invalid input, and
# chains through the document's links: intake → status, payment, delivery) and fails on a 5xx, an undocumented
# status code, a body or header its schema does not allow. Bounded to stay well under two minutes.
# Extra arguments go to `schemathesis run` (e.g. --max-examples 200 --seed 1).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DIR=$(mktemp -d)
SERVER=""
stop() {
  trap - EXIT INT TERM
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap stop EXIT INT TERM
export DATABASE_URL="sqlite:///$DIR/api-check.sqlite3" DEBUG=0 TWO_FACTOR=0 ALLOWED_HOSTS=127.0.0.1
export Q_LOG_LEVEL=WARNING  # not a line per message the demo enqueues
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo >/dev/null
# The rate limit is tested by the suite; here every request should reach the endpoint.
$PY manage.py shell -v0 -c "from orders.models import Shop; Shop.objects.update(api_requests_per_minute=1000000)"
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fso /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json" && break
  sleep 0.2
done
status=0
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer demo-garden-key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${API_CHECK_EXAMPLES:-20}" --workers 1 --seed "${API_CHECK_SEED:-20261207}" \
  --max-time 90 --request-timeout 10 --suppress-health-check all --generation-database none --no-color "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "--- the desk's log ---"
  tail -n 60 "$DIR/server.log"
fi
exit "$status"
