"""Feed benchmark: `.venv/bin/python bench/feed.py` (about a minute).

Runs gunicorn (two workers, four threads each) on a free loopback port against a temporary
SQLite database holding a household with a year of plans, and prints ratios against
ceilings measured in the same run on the same stack:

- feed requests/s ÷ requests/s of an endpoint returning the same bytes from memory;
- 304 (If-None-Match) requests/s ÷ a hello-world route;
- the first render after a change ÷ building the same calendar with icalendar per request.

With `--households 1000 10000` (one or more sizes) it seeds that many realistic households
instead (bench/many.py), each with a feed token, and requests every feed once in random
order, as phones polling hourly would: the cold pass (nothing stored: every feed built),
the warm pass (every feed stored), the memory ceiling (the same bytes and headers from a
dict), 304s (each phone holding its ETag) and hello world, with their ratios. `--pg` runs
it on a throwaway PostgreSQL server (scripts/pg.sh) instead of an SQLite file, over TCP
loopback, or with `--socket` through the server's Unix socket (a database on the web host).
Each ratio is printed as the best round, the median round and all rounds pooled (all
requests ÷ all seconds), with each side's CPU per request: gunicorn's processes, the
database's and this client's, all sharing this machine's cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
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
    return THREADS * PER_THREAD / timed(threads, barrier, errors)


def timed(threads: list[threading.Thread], barrier: threading.Barrier, errors: list) -> float:
    """Seconds from the moment every thread is ready (at `barrier`) until all are done."""
    for t in threads:
        t.start()
    barrier.wait()
    started = clock.perf_counter()
    for t in threads:
        t.join()
    elapsed = clock.perf_counter() - started
    if errors:
        raise SystemExit(f"unexpected answers: {errors[:3]}")
    return elapsed


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, nargs="+", metavar="N", help="sizes to run")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--socket", action="store_true", help="with --pg: through its Unix socket, not TCP"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per pair")
    args = parser.parse_args()
    if args.socket and not args.pg:
        parser.error("--socket is for PostgreSQL: give --pg too")
    if args.households:
        many(args.households, args.pg, args.rounds, args.socket)
    else:
        single()


def gunicorn(db_url: str, port: int, secret: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        SECRET_KEY=secret,
        DATABASE_URL=db_url,
        PLANNER_BENCH="1",
        PLANNER_SCHEDULER="off",
        PLANNER_BASE_URL=f"http://127.0.0.1:{port}",
    )
    command = [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4"]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/bench/hello")
            return server
        except OSError:
            clock.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def single() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    db_path = workdir / "bench.sqlite3"
    token, household_id = seed(f"sqlite:///{db_path}")
    port = free_port()
    server = gunicorn(f"sqlite:///{db_path}", port, secrets.token_hex(32))
    try:
        run(port, token, db_path, household_id)
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


def run(port: int, token: str, db_path: Path, household_id: int) -> None:
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
        f"gunicorn 2 workers x 4 threads (gthread), {THREADS} keep-alive client threads x {PER_THREAD} requests, best of {ROUNDS} interleaved rounds"
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


# --- many households -----------------------------------------------------------------


def seed_many(db_url: str, count: int, secret: str) -> list[str]:
    """`count` households (bench/many.py) and a feed token for each one's first member;
    the tokens, in no particular order."""
    from sqlalchemy import func, insert, select

    from bench.many import seed_households
    from planner import create_app
    from planner.extensions import db
    from planner.feeds.services import _token
    from planner.models import FeedToken, Member
    from planner.tokens import hash_token

    app = create_app({"TESTING": True, "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        db.create_all()
        seed_households(count)
        firsts = db.session.execute(
            select(Member.household_id, func.min(Member.id)).group_by(Member.household_id)
        ).all()
        nonces = [secrets.token_hex(16) for _ in firsts]
        tokens = [_token(nonce) for nonce in nonces]
        rows = [
            {"household_id": h, "member_id": m, "token_hash": hash_token(t), "nonce": n}
            for (h, m), t, n in zip(firsts, tokens, nonces, strict=True)
        ]
        for first in range(0, len(rows), 1_000):
            db.session.execute(insert(FeedToken), rows[first : first + 1_000])
        db.session.commit()
        db.engine.dispose()
    return tokens


def sweep(port: int, requests: list[tuple[str, dict]], expect: int) -> tuple[float, dict]:
    """Requests/s of one pass over `requests` (path, headers) on THREADS keep-alive
    connections, each taking every THREADS-th; the ETag each path answered with."""
    barrier = threading.Barrier(THREADS + 1)
    errors: list[str] = []
    etags: dict[str, str] = {}

    def worker(mine: list[tuple[str, dict]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        get(conn, "/bench/hello", {})  # connect outside the timing
        barrier.wait()
        for path, headers in mine:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != expect:
                errors.append(f"{path}: {response.status}")
            etags[path] = response.getheader("ETag") or ""
        conn.close()

    threads = [
        threading.Thread(target=worker, args=(requests[k::THREADS],)) for k in range(THREADS)
    ]
    return len(requests) / timed(threads, barrier, errors), etags


def shuffled(items: list, seed: int) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def many(sizes: list[int], pg: bool, rounds: int, via_socket: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    # Its own directory straight under /tmp: the server may run as another user.
    pg_dir = tempfile.mkdtemp(prefix="planner-bench-pg-")
    admin = None
    if pg:
        started = subprocess.run(
            ["bash", str(ROOT / "scripts/pg.sh"), "start", pg_dir],
            check=True,
            capture_output=True,
            text=True,
        )
        admin = started.stdout.strip()
        if via_socket:
            from sqlalchemy import make_url

            # The same server through its Unix socket, as a database on the web host is reached.
            admin = make_url(admin).set(host=None, query={"host": pg_dir}).render_as_string()
    results = []
    try:
        for size in sizes:
            results.append(one_size(size, workdir, admin, rounds))
    finally:
        if pg:
            subprocess.run(["bash", str(ROOT / "scripts/pg.sh"), "stop", pg_dir])
        shutil.rmtree(pg_dir, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"summary ({database_kind(admin)}), targets: warm ≥ 0.5 of memory, 304 ≥ 0.8 of hello")
    for r in results:
        print(
            f"  {r['size']:>6,} households: cold {r['cold']:,.0f}/s, warm {r['warm']:,.0f}/s "
            f"= {r['warm'] / r['memory']:.2f} of memory ({r['memory']:,.0f}/s); "
            f"304 {r['not_modified']:,.0f}/s = {r['not_modified'] / r['hello']:.2f} of hello "
            f"({r['hello']:,.0f}/s); medians per round: warm {r['warm_median']:.2f}, "
            f"304 {r['not_modified_median']:.2f}; pooled: warm {r['warm_pooled']:.2f}, "
            f"304 {r['not_modified_pooled']:.2f}"
        )


def one_size(size: int, workdir: Path, admin: str | None, rounds: int) -> dict:
    secret = secrets.token_hex(32)
    if admin:
        from sqlalchemy import create_engine, make_url, text

        name = f"feeds_{size}"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        db_url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    else:
        db_url = f"sqlite:///{workdir / f'feeds-{size}.sqlite3'}"
    began = clock.perf_counter()
    tokens = seed_many(db_url, size, secret)
    seeded = clock.perf_counter() - began
    port = free_port()
    server = gunicorn(db_url, port, secret)
    try:
        feeds = [(f"/feeds/{t}.ics", {}) for t in tokens]
        cold, etags = sweep(port, shuffled(feeds, 1), 200)
        second, _ = sweep(port, shuffled(feeds, 2), 200)
        memory_paths = [(f"/bench/memory/{t}.ics", {}) for t in tokens]
        sweep(port, memory_paths[: THREADS * 4], 200)  # each process reads its dict in
        held = [(path, {"If-None-Match": etags[path]}) for path, _ in feeds]
        hello_paths = [("/bench/hello", {})] * size
        rates: dict[str, list[float]] = {
            "warm": [],
            "memory": [],
            "not_modified": [],
            "hello": [],
        }
        passes = [
            ("warm", feeds, 200),
            ("memory", memory_paths, 200),
            ("not_modified", held, 304),
            ("hello", hello_paths, 200),
        ]
        cpu = {key: dict.fromkeys(CPU_GROUPS, 0.0) for key in rates}  # seconds per request
        for n in range(rounds):
            # Every other round runs backwards, so a drift in the machine's load
            # does not always favour the same side of a ratio.
            for key, requests, expect in passes if n % 2 == 0 else passes[::-1]:
                before = cpu_seconds(server.pid)
                rate, _ = sweep(port, shuffled(requests, 10 + n), expect)
                rates[key].append(rate)
                spent = cpu_seconds(server.pid)
                for group in spent:
                    cpu[key][group] += (spent[group] - before[group]) / len(requests) / rounds
        best = {key: max(values) for key, values in rates.items()}
        best["warm"] = max(best["warm"], second)
        # Each round's ratio pairs passes run seconds apart on the same load.
        warm_ratios = [w / m for w, m in zip(rates["warm"], rates["memory"], strict=True)]
        not_modified_ratios = [
            n / h for n, h in zip(rates["not_modified"], rates["hello"], strict=True)
        ]
        # All of a side's requests ÷ all its seconds (the harmonic mean of its rounds): the
        # steadiest of the three, as no single round's noise weighs more than its time.
        pooled = {key: statistics.harmonic_mean(values) for key, values in rates.items()}
    finally:
        stop(server)
    stored, body = _stored(db_url)
    print(
        f"{size:,} households ({database_kind(admin)}), seeded in {seeded:.1f} s; "
        f"gunicorn 2 workers x 4 threads (gthread), {THREADS} keep-alive client threads, "
        f"every feed once per pass in random order; best of {rounds} interleaved rounds "
        f"(the warm second pass counts for the best); {stored:,} stored feeds, {body / 1024:,.0f} KB each on average"
    )
    print(f"  cold pass (nothing stored, each feed built):   {cold:,.0f} requests/s")
    print(f"  warm, second pass (each feed stored):          {second:,.0f} requests/s")
    print(
        f"  warm ÷ same bytes from memory:                 {best['warm']:,.0f} / {best['memory']:,.0f} "
        f"= {best['warm'] / best['memory']:.2f}  (target ≥ 0.5)"
    )
    print(f"  cold ÷ same bytes from memory:                 {cold / best['memory']:.3f}")
    print(
        f"  304 ÷ hello world:                             {best['not_modified']:,.0f} / {best['hello']:,.0f} "
        f"= {best['not_modified'] / best['hello']:.2f}  (target ≥ 0.8)"
    )
    print(f"  per round, warm ÷ memory:                      {spread(warm_ratios)}")
    print(f"  per round, 304 ÷ hello:                        {spread(not_modified_ratios)}")
    for key, label in (("not_modified", "304"), ("hello", "hello")):
        shares = ", ".join(f"{group} {cpu[key][group] * 1e6:,.0f}" for group in CPU_GROUPS)
        print(f"  CPU per request, {label + ' (µs):':<30}{shares}")
    web = {key: cpu[key]["web"] for key in cpu}
    print(
        f"  web processes' CPU, hello ÷ 304:               {web['hello'] * 1e6:,.0f} / "
        f"{web['not_modified'] * 1e6:,.0f} µs = {web['hello'] / web['not_modified']:.2f}"
        "  (the 304 rate a CPU-bound web host would reach, with the database elsewhere)"
    )
    print(
        f"  all rounds pooled, warm ÷ memory:              {pooled['warm']:,.0f} / {pooled['memory']:,.0f} "
        f"= {pooled['warm'] / pooled['memory']:.2f}"
    )
    print(
        f"  all rounds pooled, 304 ÷ hello:                {pooled['not_modified']:,.0f} / {pooled['hello']:,.0f} "
        f"= {pooled['not_modified'] / pooled['hello']:.2f}"
    )
    return {
        "size": size,
        "cold": cold,
        **best,
        "warm_median": statistics.median(warm_ratios),
        "not_modified_median": statistics.median(not_modified_ratios),
        "warm_pooled": pooled["warm"] / pooled["memory"],
        "not_modified_pooled": pooled["not_modified"] / pooled["hello"],
    }


CPU_GROUPS = ("web", "database", "client")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (its arbiter and workers), by every PostgreSQL
    process on the machine (none with SQLite, whose work is the web processes'), and by
    this client."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(CPU_GROUPS, 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:  # gone meanwhile
            continue
        pid, parent = int(stat.parent.name), int(fields.split()[1])
        seconds = (int(fields.split()[11]) + int(fields.split()[12])) / ticks
        if pid == server_pid or parent == server_pid:
            used["web"] += seconds
        elif name.endswith("(postgres"):
            used["database"] += seconds
    times = os.times()
    used["client"] = times.user + times.system
    return used


def database_kind(admin: str | None) -> str:
    if admin is None:
        return "SQLite"
    return "PostgreSQL, Unix socket" if "?host=" in admin else "PostgreSQL, TCP loopback"


def spread(ratios: list[float]) -> str:
    return (
        f"median {statistics.median(ratios):.2f} (lowest {min(ratios):.2f}, "
        f"highest {max(ratios):.2f}, {len(ratios)} rounds)"
    )


def _stored(db_url: str) -> tuple[int, float]:
    from sqlalchemy import create_engine, func, select

    from planner.models.feeds import FeedCache

    engine = create_engine(db_url)
    with engine.connect() as conn:
        count, size = conn.execute(
            select(func.count(), func.avg(func.length(FeedCache.body)))
        ).one()
    engine.dispose()
    return count, float(size or 0)


if __name__ == "__main__":
    main()
