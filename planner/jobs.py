"""The reminder ticker (APScheduler 3); the outbox table is the truth, so ticks are cheap
and any number of tickers may run.

In-process (embedded default): started only under `flask run` — in the reloader's child,
or without the reloader — or everywhere with PLANNER_SCHEDULER=on; never in tests, never
with "off", never in gunicorn workers under "auto". Production runs
`flask --app wsgi planner scheduler` as its own process instead.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
from datetime import UTC, datetime, timedelta

import click
from flask import Flask

TICK_SECONDS = 20
log = logging.getLogger(__name__)


def tick(app: Flask) -> None:
    """One round: expand reminders a window ahead, send what is due, refresh imports."""
    from planner.extensions import db
    from planner.reminders.outbox import sync_all
    from planner.reminders.sender import send_due

    with app.app_context():
        try:
            sync_all()
            outcome = send_due()
            if outcome.sent or outcome.failed or outcome.expired:
                log.info("Reminders: %s", outcome)
            _refresh_imports()
        except Exception:
            log.exception("Reminder tick failed; the next tick tries again")
            db.session.rollback()
        finally:
            db.session.remove()


def _refresh_imports() -> None:
    from planner.imports.services import refresh_due_imports

    refresh_due_imports()


def _flask_command() -> tuple[str | None, bool]:
    """The `flask` sub-command being run (None outside the CLI) and whether it reloads."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return None, False
    reload = ctx.params.get("reload")
    if reload is None:
        from flask.helpers import get_debug_flag

        reload = get_debug_flag()
    return ctx.info_name, bool(reload)


def should_start(app: Flask) -> bool:
    mode = str(app.config.get("PLANNER_SCHEDULER", "auto")).strip().lower()
    if app.testing or mode == "off":
        return False
    command, reload = _flask_command()
    if command is not None:
        if command != "run":
            return False  # `planner scheduler`, `send-due`, `db upgrade`, …
        # With the reloader, only the child serving requests runs the ticker.
        return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    return mode == "on"


def start_in_process(app: Flask):
    """Start the background ticker in this process when the settings say so."""
    if not should_start(app):
        return None
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
    scheduler.add_job(
        tick,
        "interval",
        seconds=TICK_SECONDS,
        args=[app],
        id="reminders",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC) + timedelta(seconds=5),
    )
    scheduler.start()
    app.extensions["planner_scheduler"] = scheduler
    atexit.register(lambda: scheduler.shutdown(wait=False) if scheduler.running else None)
    return scheduler


def run_blocking(app: Flask, seconds: int = TICK_SECONDS) -> None:
    """The long-running `planner scheduler` process: tick now, then every `seconds`."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    # Its own process: say what was sent, but not every uneventful tick.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        "interval",
        seconds=seconds,
        args=[app],
        id="reminders",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
