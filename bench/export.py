"""The household export and deletion: `.venv/bin/python bench/export.py` (about a minute).

For the demo household and for a 150-responsibility household with two years (104 weeks)
of agreed history (bench/session_queries.py builds it): the export's size and the time
to build and write it, each as a ratio to one render of GET /week measured in the same
run (absolute times on shared machines are noise); then the time to delete the two-year
household (one ordered set of DELETEs, planner.household.removal), also as that ratio.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from session_queries import PASSWORD, make_app, make_household  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from planner import page_cache  # noqa: E402
from planner.demo import DEMO_MEMBERS, DEMO_PASSWORD, load_demo  # noqa: E402
from planner.export import export_household, write_document  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.household.removal import delete_household  # noqa: E402
from planner.models import Household, PlanOccurrence  # noqa: E402

REPEATS = 5


def _median(action, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def week_page_seconds(app, email: str, password: str) -> float:
    """Median seconds of one GET /week rendered afresh (nothing kept)."""
    client = app.test_client()
    client.post("/login", data={"email": email, "password": password})
    client.get("/week")  # warm templates and compiled statements

    def render() -> None:
        page_cache.clear(app)
        if client.get("/week").status_code != 200:
            raise SystemExit("GET /week did not answer 200")

    return _median(render)


def export_figures(app, household_id: int) -> tuple[int, float]:
    sizes: list[int] = []

    def export() -> None:
        with app.app_context():
            sizes.append(len(write_document(export_household(household_id))))
            db.session.remove()

    seconds = _median(export)
    return sizes[-1], seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        app = make_app(str(Path(directory) / "bench.sqlite3"))
        with app.app_context():
            demo = load_demo().id
            db.session.commit()
            history, email, _ = make_household(
                "history", generate_password_hash(PASSWORD), history_weeks=104
            )
            occurrences = db.session.scalar(
                select(func.count()).where(PlanOccurrence.household_id == history)
            )
        page = week_page_seconds(app, DEMO_MEMBERS[0][1], DEMO_PASSWORD)
        history_page = week_page_seconds(app, email, PASSWORD)
        print(f"GET /week, one render: demo {page * 1000:.1f} ms, two-year household "
              f"{history_page * 1000:.1f} ms (the yardstick below)")  # fmt: skip
        print(f"{'household':<34}{'export KB':>10}{'export ms':>11}{'÷ /week':>9}")
        for label, household_id, yardstick in (
            ("demo", demo, page),
            (f"two years ({occurrences} days of work)", history, history_page),
        ):
            size, seconds = export_figures(app, household_id)
            print(f"{label:<34}{size / 1024:>10.0f}{seconds * 1000:>11.1f}"
                  f"{seconds / yardstick:>9.1f}")  # fmt: skip
        with app.app_context():
            started = time.perf_counter()
            delete_household(db.session.get(Household, history))
            db.session.commit()
            deleted = time.perf_counter() - started
            assert db.session.get(Household, history) is None
        print(f"delete the two-year household: {deleted * 1000:.1f} ms, "
              f"{deleted / history_page:.1f} × one /week render")  # fmt: skip
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
