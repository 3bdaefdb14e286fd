#!/usr/bin/env bash
# Benchmark on a throwaway database: PostgreSQL when its binaries are installed, else a temp SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
export TWO_FACTOR=0  # the bench measures the pages, not the sign-in
# The push channel's delay (config/bench_push.py) runs after the main figures, on the same throwaway database.
BENCH=(bash -c '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py bench "$@" && .venv/bin/python -m config.bench_push' bench "$@")
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  bash scripts/with-postgres.sh "${BENCH[@]}"
else
  DIR=$(mktemp -d)
  trap 'rm -rf "$DIR"' EXIT
  DATABASE_URL="sqlite:///$DIR/bench.sqlite3" "${BENCH[@]}"
fi
# The voice webhook at 1M orders of history (or VOICE_ORDERS), 16 calls at once, on a throwaway PostgreSQL of its own.
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  bash scripts/with-postgres.sh bash -c '.venv/bin/python manage.py migrate -v0 && .venv/bin/python -m config.bench_voice --orders "${VOICE_ORDERS:-1000000}"'
fi
