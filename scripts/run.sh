#!/usr/bin/env bash
# Serve Planner on its embedded default: SQLite in instance/, mail to instance/mail,
# the reminder scheduler in-process; with the demo household loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! grep -qs '^SECRET_KEY=' .env; then
  echo "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')" >> .env
  echo "Wrote a new SECRET_KEY to .env"
fi
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi planner demo
port=${PORT:-5000}
# Emails sent by the in-process scheduler have no request to take the address from.
export PLANNER_BASE_URL=${PLANNER_BASE_URL:-http://127.0.0.1:$port}
echo "Planner is at $PLANNER_BASE_URL"
exec .venv/bin/flask --app wsgi run --debug --host 127.0.0.1 --port "$port"
