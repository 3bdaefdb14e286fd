#!/usr/bin/env bash
# The whole suite. PostgreSQL when DATABASE_URL names one; else a throwaway local cluster when the server
# binaries are installed; else SQLite, where the PostgreSQL-only tests skip with their reason.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTEST=(.venv/bin/python -m pytest "$@")
if [ -n "${DATABASE_URL:-}" ]; then
  exec "${PYTEST[@]}"
elif ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exec bash scripts/with-postgres.sh "${PYTEST[@]}"
else
  echo "No PostgreSQL found: running on SQLite; PostgreSQL-only tests will be skipped."
  exec "${PYTEST[@]}"
fi
