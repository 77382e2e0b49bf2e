"""The reminder ticker and the calendar job (APScheduler 3); the outbox table is the truth,
so ticks are cheap and any number of tickers may run.

Calendars are fetched and read by their own job (`calendars`), apart from the reminder
tick (`reminders`): each job runs in its own thread of the scheduler and at most once at a
time, so a slow or hostile calendar can never delay a reminder.

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
# Calendars waiting to be read are picked up this often (a round with nothing due is one
# small query), so an upload's busy times show within seconds.
CALENDAR_SECONDS = 5
log = logging.getLogger(__name__)


def tick(app: Flask) -> None:
    """One round: send what is due, then write reminders a window ahead for one bounded
    batch of households whose written reminders run out soon. Changes bring their
    household's reminders up to date themselves, so a quiet tick is a few queries."""
    from planner.extensions import db
    from planner.reminders.outbox import extend_horizons
    from planner.reminders.sender import send_due

    with app.app_context():
        try:
            outcome = send_due()
            if outcome.sent or outcome.failed or outcome.expired:
                log.info("Reminders: %s", outcome)
            extend_horizons()
        except Exception:
            log.exception("Reminder tick failed; the next tick tries again")
            db.session.rollback()
        finally:
            db.session.remove()


def read_calendars(app: Flask) -> None:
    """One round of the calendar job: fetch what is due, read what waits."""
    from planner.extensions import db
    from planner.imports.job import refresh_due_imports

    with app.app_context():
        try:
            refresh_due_imports()
        except Exception:
            log.exception("Calendar round failed; the next round tries again")
            db.session.rollback()
        finally:
            db.session.remove()


def _add_jobs(scheduler, app: Flask, seconds: int, calendar_seconds: int, first_run) -> None:
    """The reminder tick and the calendar job, each on its own, never overlapping itself."""
    for job, job_id, every in (
        (tick, "reminders", seconds),
        (read_calendars, "calendars", calendar_seconds),
    ):
        scheduler.add_job(
            job,
            "interval",
            seconds=every,
            args=[app],
            id=job_id,
            max_instances=1,
            coalesce=True,
            next_run_time=first_run,
        )


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
    first_run = datetime.now(UTC) + timedelta(seconds=5)
    _add_jobs(scheduler, app, TICK_SECONDS, CALENDAR_SECONDS, first_run)
    scheduler.start()
    app.extensions["planner_scheduler"] = scheduler
    atexit.register(lambda: scheduler.shutdown(wait=False) if scheduler.running else None)
    return scheduler


def run_blocking(
    app: Flask, seconds: int = TICK_SECONDS, calendar_seconds: int = CALENDAR_SECONDS
) -> None:
    """The long-running `planner scheduler` process: tick now, then every `seconds`; read
    calendars now, then every `calendar_seconds`, in a job of its own."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    # Its own process: say what was sent, but not every uneventful tick.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone=UTC)
    _add_jobs(scheduler, app, seconds, calendar_seconds, datetime.now(UTC))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
