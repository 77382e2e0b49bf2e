"""Every main page and every session step for a large household, in one run:
`.venv/bin/python bench/pages.py` (a few minutes).

The household has 300 responsibilities and two years of agreed history (the shape
bench/session_queries.py builds) and its session plan open with check-ins. For each page
it prints the HTML bytes (and gzip-compressed, as a phone fetches them); the SQL queries
and in-process milliseconds of a request rendered afresh (as after any change) and of one
served from what the process kept (planner.page_cache); and requests/s, as a ratio to a
hello-world route on the same gunicorn (one sync worker), for repeated requests. Targets: every page <= 150 KB; every session step and /week >= 0.1 of
hello; /home >= 0.3. The exit status is 0 whatever the figures: this measures, the
closing notes judge.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from live_http import HELLO_PATH, load, serve_sqlite, sign_in  # noqa: E402
from session_queries import PAGES, PASSWORD, QueryCounter, build  # noqa: E402

from planner import page_cache  # noqa: E402
from planner.extensions import db  # noqa: E402

RESPONSIBILITIES = 300
ROUND_SECONDS = 2.0
MAX_BYTES = 150_000
TARGETS = {"/home": 0.3, "/week": 0.1}  # and every session step: 0.1


def pages(plan_id: int) -> list[str]:
    steps = [p for p in PAGES if not p.startswith("/version")] + ["/owners"]
    session = [f"/session/{plan_id}{p}" for p in steps]
    main = ["/home", "/week", "/inventory", "/insights", "/selfcare", "/feeds"]
    return main + session


@dataclass
class Measured:
    size: int  # HTML bytes
    packed: int  # gzip bytes
    fresh_queries: int  # rendered afresh, as after a change
    kept_queries: int  # served from what this process kept
    fresh_ms: float
    kept_ms: float


def measure_in_process(app, email: str, paths: list[str]) -> dict[str, Measured]:
    """Bytes, queries and in-process milliseconds of each page, rendered afresh (what
    was kept cleared first, as after a change) and kept (as for the next request)."""
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    found = {}
    for path in paths:
        client.get(path)
        fresh, fresh_queries = _timed(client, path, lambda: page_cache.clear(app), engine)
        held, kept_queries = _timed(client, path, lambda: None, engine)
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        body = response.get_data()
        found[path] = Measured(
            len(body), len(gzip.compress(body, 6)), fresh_queries, kept_queries, fresh, held
        )
    return found


def _timed(client, path: str, before, engine, times: int = 5) -> tuple[float, int]:
    """(median ms, queries of the last) over a few requests, `before` each one."""
    spent = []
    for _ in range(times):
        before()
        with QueryCounter(engine) as counter:
            started = time.perf_counter()
            client.get(path)
            spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), counter.count


def main() -> int:
    started = time.perf_counter()
    directory = tempfile.mkdtemp(prefix="planner-bench-pages-")
    app, full, _empty = build(directory, responsibilities=RESPONSIBILITIES)
    _household, email, plan_id = full
    paths = pages(plan_id)
    sizes = measure_in_process(app, email, paths)
    with app.app_context():
        db.engine.dispose()
    server, port = serve_sqlite(directory)
    ratios: dict[str, list[float]] = {p: [] for p in paths}
    try:
        cookie = sign_in(port, email, PASSWORD)
        for _ in range(2):
            hello, _ = load(port, HELLO_PATH, cookie, ROUND_SECONDS)
            for path in paths:
                rate, statuses = load(port, path, cookie, ROUND_SECONDS)
                if set(statuses) != {200}:
                    raise SystemExit(f"{path} answered {dict(statuses)}")
                ratios[path].append(rate / hello)
    finally:
        server.terminate()
        server.wait()
    print(f"{RESPONSIBILITIES} responsibilities, two years of history; one sync worker")
    head = f"{'page':34} {'KB':>7} {'gzip KB':>8} {'queries':>9} {'ms fresh/kept':>14}"
    print(f"{head} {'÷ hello (2 runs)':>18}  target")
    for path in paths:
        m = sizes[path]
        size, packed = m.size, m.packed
        shown = path.replace(f"/session/{plan_id}", "/session/<plan>")
        target = TARGETS.get(path, 0.1 if path.startswith("/session/") else None)
        runs = " ".join(f"{r:.3f}" for r in ratios[path])
        misses = []
        if size > MAX_BYTES:
            misses.append("> 150 KB")
        if target is not None and max(ratios[path]) < target:
            misses.append(f"< {target}")
        verdict = ("MISSES " + ", ".join(misses)) if misses else "ok"
        queries = f"{m.fresh_queries}/{m.kept_queries}"
        ms = f"{m.fresh_ms:.1f}/{m.kept_ms:.1f}"
        line = (
            f"{shown:34} {size / 1000:7.1f} {packed / 1000:8.1f} {queries:>9} {ms:>14} {runs:>18}"
        )
        print(f"{line}  {target if target is not None else '-'} {verdict}")
    print(f"total bench time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
