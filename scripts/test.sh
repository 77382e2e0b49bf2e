#!/usr/bin/env bash
# The whole check: lint, the suite on SQLite (browser tests included), twice more at
# fixed moments, then again on a real PostgreSQL server when one can be started.
#   scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

echo "== tests on SQLite"
.venv/bin/pytest -n 2 -m "not browser" "$@"
echo "== browser tests on SQLite (one at a time: each drives its own server and Chromium)"
.venv/bin/pytest -m browser "$@" || [[ $? == 5 ]]  # 5: the arguments chose no browser test

# The suite must not lean on the wall clock: run it again with the clock started at a
# Sunday 18:10 UTC (the demo's planning reminder falls due) and in the hour before
# October's clock change in Europe/London.
for now in 2026-11-22T18:10:00+00:00 2026-10-25T00:30:00+00:00; do
  echo "== tests on SQLite, clock at $now"
  PLANNER_TEST_NOW=$now .venv/bin/pytest -n 2 -m "not browser and not api_schema" "$@"
done

pgdir=$(mktemp -d /tmp/planner-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
if url=$(bash scripts/pg.sh start "$pgdir"); then
  echo "== tests on PostgreSQL"
  PLANNER_TEST_PG_URL=$url .venv/bin/pytest -n 2 -m "not browser" "$@"
elif [[ ${CI:-} == true ]]; then
  echo "PostgreSQL could not be started in CI" >&2
  exit 1
else
  echo "== PostgreSQL not available here: skipped the PostgreSQL run" >&2
fi
