"""Feed benchmark: `.venv/bin/python bench/feed.py` (about a minute).

Runs gunicorn (two workers) on a free loopback port against a temporary SQLite database
holding a household with a year of plans, and prints ratios against ceilings measured in
the same run on the same stack:

- feed requests/s ÷ requests/s of an endpoint returning the same bytes from memory;
- 304 (If-None-Match) requests/s ÷ a hello-world route;
- the first render after a change ÷ building the same calendar with icalendar per request.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THREADS, PER_THREAD, ROUNDS = 8, 250, 5
TIMED_RENDERS = 8


def seed(db_url: str) -> tuple[str, int]:
    """A two-member household with 52 weeks of plans and a year of self-care history."""
    from planner import create_app
    from planner.domain.week import local_to_utc
    from planner.extensions import db
    from planner.feeds.services import new_feed_token
    from planner.models import (
        Household,
        Member,
        PlanItem,
        PlanOccurrence,
        SelfCareSlot,
        SelfCareWeek,
        WeekPlan,
    )
    from planner.selfcare.services import slot_start
    from planner.week.services import week_start_for_household

    app = create_app({"TESTING": True, "SECRET_KEY": "b" * 40, "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        db.create_all()
        household = Household(name="Bench", timezone="Europe/Berlin", week_start=0)
        db.session.add(household)
        members = [
            Member(household=household, display_name=n, email=f"{n}@bench.test", password_hash="x")
            for n in ("Alex", "Sam")
        ]
        db.session.add_all(members)
        db.session.flush()
        household.created_at = datetime.now(UTC) - timedelta(weeks=52)
        this_week = week_start_for_household(household)
        slots = [
            SelfCareSlot(
                household_id=household.id,
                member_id=members[0].id,
                title="Run",
                weekday=1,
                start_time=time(18, 30),
                minutes=60,
                created_at=household.created_at,
            ),
            SelfCareSlot(
                household_id=household.id,
                member_id=members[1].id,
                title="Pottery",
                weekday=5,
                start_time=time(9),
                minutes=120,
                created_at=household.created_at,
            ),
        ]
        db.session.add_all(slots)
        db.session.flush()
        tz = household.tz
        for n in range(-50, 2):
            week = this_week + timedelta(weeks=n)
            plan = WeekPlan(
                household_id=household.id, week_start=week, status="agreed" if n < 1 else "draft"
            )
            db.session.add(plan)
            db.session.flush()
            for i in range(24):
                item = PlanItem(
                    household_id=household.id,
                    week_plan_id=plan.id,
                    title=f"Chore {i}",
                    effort_minutes=15 + i,
                    owner_id=members[i % 2].id,
                )
                db.session.add(item)
                db.session.flush()
                days = range(7) if i < 6 else (i % 7,)
                for d in days:
                    day: date = week + timedelta(days=d)
                    starts = local_to_utc(day, time(7 + i % 12), tz) if i % 3 else None
                    db.session.add(
                        PlanOccurrence(
                            household_id=household.id,
                            plan_item_id=item.id,
                            on_date=day,
                            starts_at=starts,
                        )
                    )
            for k, slot in enumerate(slots):
                status = ("planned", "skipped", "moved")[(n + k) % 3]
                original = slot_start(household, slot, week)
                db.session.add(
                    SelfCareWeek(
                        household_id=household.id,
                        slot_id=slot.id,
                        week_start=week,
                        original_start=original,
                        status=status,
                        moved_start=original + timedelta(hours=2) if status == "moved" else None,
                        outcome="kept" if n < 0 and status != "skipped" else None,
                    )
                )
        token = new_feed_token(household, members[0])
        db.session.commit()  # services only flush; this script is the boundary
        return token, household.id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def throughput(port: int, path: str, headers: dict | None = None, expect: int = 200) -> float:
    """Requests/s over THREADS keep-alive connections, PER_THREAD requests each."""
    headers = headers or {}
    barrier = threading.Barrier(THREADS + 1)
    errors: list[str] = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        get(conn, path, headers)  # connect and warm up outside the timing
        barrier.wait()
        for _ in range(PER_THREAD):
            status, _ = get(conn, path, headers)
            if status != expect:
                errors.append(f"{path}: {status}")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    started = clock.perf_counter()
    for t in threads:
        t.join()
    elapsed = clock.perf_counter() - started
    if errors:
        raise SystemExit(f"unexpected answers: {errors[:3]}")
    return THREADS * PER_THREAD / elapsed


def paired(port: int, subject: tuple, ceiling: tuple) -> tuple[float, float]:
    """Best requests/s of each, rounds interleaved so both see the same machine load.
    Each side is (path, headers, expected status)."""
    best = [0.0, 0.0]
    for _ in range(ROUNDS):
        for k, (path, headers, expect) in enumerate((subject, ceiling)):
            best[k] = max(best[k], throughput(port, path, headers, expect))
    return best[0], best[1]


def latency(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = clock.perf_counter()
    status, body = get(conn, path, {})
    elapsed = clock.perf_counter() - started
    conn.close()
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR"), status
    return elapsed


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    db_path = workdir / "bench.sqlite3"
    token, household_id = seed(f"sqlite:///{db_path}")
    port = free_port()
    env = dict(
        os.environ,
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=f"sqlite:///{db_path}",
        PLANNER_BENCH="1",
        PLANNER_SCHEDULER="off",
        PLANNER_BASE_URL=f"http://127.0.0.1:{port}",
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        run(port, token, db_path, household_id)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def run(port: int, token: str, db_path: Path, household_id: int) -> None:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/bench/hello")
            break
        except OSError:
            clock.sleep(0.1)
    feed, memory = f"/feeds/{token}.ics", f"/bench/memory/{token}.ics"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", feed)
    response = conn.getresponse()
    body, etag = response.read(), response.getheader("ETag")
    conn.close()
    # Warm both workers' caches before timing.
    throughput(port, feed)
    throughput(port, memory)

    feed_rps, memory_rps = paired(port, (feed, None, 200), (memory, None, 200))
    not_modified_rps, hello_rps = paired(
        port, (feed, {"If-None-Match": etag}, 304), ("/bench/hello", None, 200)
    )

    renders = []
    for _ in range(TIMED_RENDERS):
        with sqlite3.connect(db_path) as raw:  # a change, as any real write makes one
            raw.execute("UPDATE household SET version = version + 1 WHERE id = ?", (household_id,))
        renders.append(latency(port, feed))
    naive = [latency(port, f"/bench/naive/{token}.ics") for _ in range(TIMED_RENDERS)]
    cached = [latency(port, feed) for _ in range(TIMED_RENDERS * 4)]

    print(
        f"feed: {len(body):,} bytes, {body.count(b'BEGIN:VEVENT')} VEVENTs; "
        f"gunicorn 2 workers (gthread), {THREADS} keep-alive client threads x {PER_THREAD} requests, best of {ROUNDS} interleaved rounds"
    )
    print(
        f"feed requests/s ÷ same bytes from memory: {feed_rps:,.0f} / {memory_rps:,.0f} = {feed_rps / memory_rps:.2f}  (target ≥ 0.8)"
    )
    print(
        f"304 requests/s ÷ hello world:             {not_modified_rps:,.0f} / {hello_rps:,.0f} = {not_modified_rps / hello_rps:.2f}  (target ≥ 0.8)"
    )
    first, build = statistics.median(renders), statistics.median(naive)
    print(
        f"first render after a change ÷ naive icalendar build per request: {first * 1000:.1f} ms / {build * 1000:.1f} ms = {first / build:.2f}"
    )
    print(
        f"cached feed request ÷ naive build per request: {statistics.median(cached) * 1000:.2f} ms / {build * 1000:.1f} ms = {statistics.median(cached) / build:.3f}"
    )


if __name__ == "__main__":
    main()
