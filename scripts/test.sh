#!/usr/bin/env bash
# The whole check: lint, the suite on SQLite (browser tests included),
# then the suite again on a real PostgreSQL server when one can be started.
#   scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

echo "== tests on SQLite"
.venv/bin/pytest "$@"

pgdir=$(mktemp -d /tmp/planner-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
if url=$(bash scripts/pg.sh start "$pgdir"); then
  echo "== tests on PostgreSQL"
  PLANNER_TEST_PG_URL=$url .venv/bin/pytest -m "not browser" "$@"
elif [[ ${CI:-} == true ]]; then
  echo "PostgreSQL could not be started in CI" >&2
  exit 1
else
  echo "== PostgreSQL not available here: skipped the PostgreSQL run" >&2
fi
