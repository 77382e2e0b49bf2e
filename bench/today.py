"""Today (the home page): SQL queries independent of history, and requests/s against a
hello-world route on the same gunicorn. `.venv/bin/python bench/today.py` (about a minute).

Two households with the same 150 responsibilities and an agreed current week: one with
two years of history, one with none. Prints both query counts of a fresh rendering (exits
non-zero when they differ), the milliseconds of a fresh and of a kept rendering
(planner.page_cache: Today is rendered once per change), and the ratio of /home's
requests/s to /bench/hello's (target >= 0.3) in the steady state between changes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from live_http import HELLO_PATH, load, serve_sqlite, sign_in  # noqa: E402
from session_queries import PASSWORD, QueryCounter, build  # noqa: E402

from planner.domain.vocabulary import PlanState  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import WeekPlan  # noqa: E402

ROUND_SECONDS = 3.0


def agree(app, plan_id: int) -> None:
    with app.app_context():
        db.session.get(WeekPlan, plan_id).status = PlanState.AGREED
        db.session.commit()


def home_queries(app, email: str) -> tuple[int, int]:
    """Queries of /home rendered afresh (as after any change), and its size."""
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    client.get("/home")
    app.extensions["planner.page_cache"].clear()
    with QueryCounter(engine) as counter:
        response = client.get("/home")
    if response.status_code != 200:
        raise SystemExit(f"/home answered {response.status_code}")
    return counter.count, len(response.data)


def home_ms(app, email: str, fresh: bool, times: int = 50) -> float:
    """In-process milliseconds per /home: rendered afresh every time, or kept."""
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    cache = app.extensions["planner.page_cache"]
    client.get("/home")
    started = time.perf_counter()
    for _ in range(times):
        if fresh:
            cache.clear()
        client.get("/home")
    return (time.perf_counter() - started) / times * 1000


def main() -> int:
    started = time.perf_counter()
    directory = tempfile.mkdtemp(prefix="planner-bench-today-")
    app, full, empty = build(directory)
    for _, _, plan_id in (full, empty):
        agree(app, plan_id)
    with_history, size = home_queries(app, full[1])
    without, _ = home_queries(app, empty[1])
    with app.app_context():
        db.engine.dispose()
    print(f"/home queries: 2 years of history {with_history}, none {without}; {size} bytes")
    fresh, kept = home_ms(app, full[1], fresh=True), home_ms(app, full[1], fresh=False)
    print(f"/home in process: rendered afresh {fresh:.1f} ms, kept {kept:.1f} ms")
    server, port = serve_sqlite(directory)
    try:
        cookie = sign_in(port, full[1], PASSWORD)
        rows = []
        for _ in range(2):
            hello, _ = load(port, HELLO_PATH, cookie, ROUND_SECONDS)
            home, statuses = load(port, "/home", cookie, ROUND_SECONDS)
            if set(statuses) != {200}:
                raise SystemExit(f"/home answered {dict(statuses)}")
            rows.append((hello, home))
            print(f"hello {hello:7.1f}/s  /home {home:7.1f}/s  ratio {home / hello:.2f}")
    finally:
        server.terminate()
        server.wait()
    best = max(h / c for c, h in rows)
    print(f"/home ÷ hello (best of {len(rows)}): {best:.2f} (target >= 0.3)")
    print(f"total bench time: {time.perf_counter() - started:.1f} s")
    if with_history != without:
        print("FAIL: /home's queries grow with history")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
