#!/usr/bin/env bash
# Installs everything Planner needs, idempotently: system packages (when root),
# the virtual environment, Python packages and front-end test tools.
#   scripts/setup.sh          runtime + dev/test tools
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
python3 -c "import ensurepip" 2>/dev/null || need_apt+=(python3-venv)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v npm >/dev/null || need_apt+=(npm)
if ((${#need_apt[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "Note: missing system packages (${need_apt[*]}); install them for PostgreSQL and browser tests." >&2
  fi
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
stamp=.venv/.requirements.sha
sum=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$sum" ]]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$sum" > "$stamp"
fi

# Browser tests drive Debian's chromium; without it (and without root), use Playwright's own build.
if ! command -v chromium >/dev/null && [[ ! -x /usr/bin/chromium ]]; then
  .venv/bin/python -m playwright install chromium || echo "Note: no Chromium; browser tests will be skipped." >&2
fi

if [[ -f package.json ]] && command -v npm >/dev/null; then
  if [[ ! -d node_modules || package.json -nt node_modules ]]; then
    npm install --no-audit --no-fund --silent && touch node_modules
  fi
fi

# The German and Spanish catalogues, compiled from their .po files (the .mo files are built,
# never committed).
scripts/catalogues.sh compile
