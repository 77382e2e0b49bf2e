"""Scheduler scale benchmark: `.venv/bin/python bench/scale.py` (a few minutes).

Starts its own PostgreSQL server (scripts/pg.sh) unless given `--url`, and for each size
(1,000 and 10,000 households; `--sizes` to change) seeds a fresh database with realistic
households (bench/many.py) whose reminder horizons are all still to be written, as right
after the migration that introduced them. Then, with the app's own scheduler tick
(planner.jobs.tick: send what is due, then extend one bounded batch of horizons), prints
the time and SQL queries of:

- the first tick, and how many ticks (and how long in all) it takes until every
  household's reminders are written a window ahead;
- a tick with nothing changed (median of five);
- 1 % of households changing something, as a request would (lead times or a self-care
  slot's time, one transaction each): the changes themselves, then the next tick;

and the ratio of each figure at the largest size to the smallest. At the smallest size it
also simulates a year of finished reminders (every reminder written now, copied back over
52 weeks as sent) and prints the outbox's rows and bytes before and after the scheduler's
retention purge (planner/reminders/retention.py) has run its batches. Targets: a quiet tick
under 1 s and under 50 queries at 10,000 households; a tick's work bounded whatever the
number of households; the cost of changes growing with the changes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import time_machine  # noqa: E402
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

# A Wednesday, 03:00 UTC: no seeded reminder falls due while the bench runs, so every
# tick measures the scheduling, not the sending.
MOMENT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


class Queries:
    """Counts the statements an engine runs."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args) -> None:
        self.count += 1


def measured(queries: Queries, work) -> tuple[float, int, object]:
    before, started = queries.count, clock.perf_counter()
    result = work()
    return clock.perf_counter() - started, queries.count - before, result


def fresh_database(admin_url: str, name: str) -> str:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def run_size(url: str, size: int, folder: Path, retention: bool) -> dict[str, float]:
    from bench.many import seed_households
    from planner import create_app
    from planner.extensions import db
    from planner.jobs import tick
    from planner.models import Member, ReminderHorizon, SelfCareSlot
    from planner.reminders.services import update_preferences

    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "s" * 64,
            "SQLALCHEMY_DATABASE_URI": url,
            "PLANNER_SCHEDULER": "off",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(folder / "mail"),
            "PLANNER_BASE_URL": "https://planner.example",
        }
    )
    figures: dict[str, float] = {}
    with time_machine.travel(MOMENT, tick=True), app.app_context():
        db.create_all()
        queries = Queries(db.engine)
        started = clock.perf_counter()
        ids = seed_households(size, MOMENT.date())
        # As after the migration: every household's reminders are still to be written.
        db.session.execute(
            ReminderHorizon.__table__.insert(),
            [{"household_id": h, "scheduled_until": LONG_AGO} for h in ids],
        )
        db.session.commit()
        print(f"  seeded {size:,} households in {clock.perf_counter() - started:.1f} s")

        seconds, count, _ = measured(queries, lambda: tick(app))
        figures["first tick s"], figures["first tick queries"] = seconds, count
        ticks, total = 1, seconds
        while _waiting(db, ReminderHorizon) and ticks < 10_000:
            seconds, _, _ = measured(queries, lambda: tick(app))
            ticks, total = ticks + 1, total + seconds
        figures["ticks to write every horizon"], figures["all horizons s"] = ticks, total

        quiet = [measured(queries, lambda: tick(app)) for _ in range(5)]
        figures["quiet tick s"] = statistics.median(q[0] for q in quiet)
        figures["quiet tick queries"] = statistics.median(q[1] for q in quiet)

        changed = ids[:: max(1, len(ids) // max(1, size // 100))][: max(1, size // 100)]

        def change_them() -> None:
            for n, household_id in enumerate(changed):
                if n % 2:  # a member turns their self-care reminders to an hour ahead
                    member = db.session.scalar(
                        select(Member).where(Member.household_id == household_id).limit(1)
                    )
                    update_preferences(member, 60, member.planning_reminder_minutes)
                else:  # a self-care slot moves half an hour later
                    slot = db.session.scalar(
                        select(SelfCareSlot).where(SelfCareSlot.household_id == household_id)
                    )
                    slot.start_time = time(slot.start_time.hour, 30)
                db.session.commit()  # one request each: the reminders follow before this

        seconds, count, _ = measured(queries, change_them)
        figures["changes"] = len(changed)
        figures["changes s"], figures["changes queries"] = seconds, count
        seconds, count, _ = measured(queries, lambda: tick(app))
        figures["tick after changes s"], figures["tick after changes queries"] = seconds, count
        if retention:
            figures.update(retention_year(db, size))
        db.session.remove()
        db.engine.dispose()
    return figures


def retention_year(db, size: int) -> dict[str, float]:
    from planner.reminders.retention import PURGE_BATCH, purge_old

    db.session.execute(
        text(
            "INSERT INTO reminder (household_id, member_id, kind, occurrence_key, channel, "
            "due_at, expires_at, state, attempts, message_id, fingerprint, payload, sent_at, "
            "created_at, updated_at) "
            "SELECT r.household_id, r.member_id, r.kind, r.occurrence_key || '#' || w, "
            "r.channel, r.due_at - w * interval '7 days', r.expires_at - w * interval '7 days', "
            "'sent', 1, r.message_id || '#' || w, r.fingerprint, r.payload, "
            "r.due_at - w * interval '7 days', r.created_at, r.updated_at "
            "FROM reminder r CROSS JOIN generate_series(1, 52) AS w WHERE r.state = 'pending'"
        )
    )
    db.session.commit()
    measure = text("SELECT count(*), coalesce(sum(pg_column_size(r.*)), 0) FROM reminder r")
    rows_before, bytes_before = db.session.execute(measure).one()
    started, batches = clock.perf_counter(), 0
    while purge_old() == PURGE_BATCH:
        batches += 1
    seconds = clock.perf_counter() - started
    rows_after, bytes_after = db.session.execute(measure).one()
    return {
        "year: outbox rows before": rows_before,
        "year: outbox MB before": bytes_before / 1e6,
        "year: KB per household before": bytes_before / 1e3 / size,
        "year: purge batches": batches + 1,
        "year: purge s": seconds,
        "year: outbox rows after": rows_after,
        "year: outbox MB after": bytes_after / 1e6,
        "year: KB per household after": bytes_after / 1e3 / size,
    }


def _waiting(db, horizon) -> int:
    soon = datetime.now(UTC) + timedelta(days=7)
    return db.session.scalar(
        select(func.count()).select_from(horizon).where(horizon.scheduled_until < soon)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--url", help="a PostgreSQL admin URL (default: start a server)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="planner-scale-"))
    pgdir = Path(tempfile.mkdtemp(prefix="planner-pg-"))  # pg.sh hands it to postgres
    admin = args.url
    if admin is None:
        admin = subprocess.run(
            ["bash", str(ROOT / "scripts/pg.sh"), "start", str(pgdir)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    results: dict[int, dict[str, float]] = {}
    try:
        for size in sizes:
            print(f"{size:,} households")
            url = fresh_database(admin, f"scale_{size}")
            results[size] = run_size(url, size, folder, retention=size == min(sizes))
            for name, value in results[size].items():
                print(f"  {name:32} {value:10.3f}" if value % 1 else f"  {name:32} {value:10,.0f}")
    finally:
        if args.url is None:
            subprocess.run(["bash", str(ROOT / "scripts/pg.sh"), "stop", str(pgdir)], check=False)
    small, large = min(sizes), max(sizes)
    if small != large:
        print(f"\n{large:,} ÷ {small:,} households")
        for name, value in results[large].items():
            base = results[small].get(name)
            if base is None:
                continue
            print(f"  {name:32} {value / base if base else float('nan'):10.2f}")
    quiet = results[large]
    print(
        f"\nquiet tick at {large:,}: {quiet['quiet tick s']:.3f} s (target < 1), "
        f"{quiet['quiet tick queries']:.0f} queries (target < 50)"
    )


if __name__ == "__main__":
    main()
