#!/usr/bin/env bash
# The whole suite from an awkward moment on, the clock ticking from there (time-machine in the test process, so
# the desk and its live server live then). Usage: scripts/test-at.sh 2026-12-31T23:50:00+03:00 [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
export ORDERDESK_TEST_CLOCK=$1
shift
exec bash scripts/test.sh "$@"
