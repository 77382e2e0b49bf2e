.PHONY: setup run test lint format bench messages catalogues

setup:
	bash scripts/setup.sh

run: setup
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

# Every string a member reads, extracted into the catalogues (then translate the new entries).
messages:
	bash scripts/catalogues.sh extract

# The catalogues compiled for the app (setup does this too).
catalogues:
	bash scripts/catalogues.sh compile

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# Each prints ratios against a ceiling measured in the same run.
bench: setup
	.venv/bin/python bench/balance.py
	.venv/bin/python bench/session_queries.py
	.venv/bin/python bench/feed.py
	.venv/bin/python bench/reminders.py
	.venv/bin/python bench/scale.py
	.venv/bin/python bench/live.py
	.venv/bin/python bench/today.py
	.venv/bin/python bench/pages.py
	.venv/bin/python bench/compression.py
	.venv/bin/python bench/export.py
