#!/usr/bin/env bash
# The translation catalogues (planner/translations/<language>/LC_MESSAGES/messages.po).
#   scripts/catalogues.sh extract   every member-facing string into messages.pot, and the
#                                   catalogues updated from it (new entries left empty)
#   scripts/catalogues.sh compile   .po -> .mo, which the app reads
set -euo pipefail
cd "$(dirname "$0")/.."
dir=planner/translations
case ${1:-} in
  extract)
    .venv/bin/pybabel extract -q -F babel.cfg -k _l -k _n:1,2 --no-location --sort-output \
      --omit-header -o "$dir/messages.pot" .
    .venv/bin/pybabel update -q -i "$dir/messages.pot" -d "$dir" --no-fuzzy-matching \
      --omit-header --ignore-obsolete
    ;;
  compile)
    [[ -d $dir ]] || exit 0
    .venv/bin/pybabel compile -d "$dir" --statistics 2>&1 | grep -v "^compiling" || true
    ;;
  *)
    echo "usage: scripts/catalogues.sh extract|compile" >&2
    exit 2
    ;;
esac
