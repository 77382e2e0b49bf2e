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
echo "Planner is at http://127.0.0.1:5000"
exec .venv/bin/flask --app wsgi run --debug --host 127.0.0.1 --port "${PORT:-5000}"
