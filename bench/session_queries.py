"""SQL queries per request for the session pages and insights:
`.venv/bin/python bench/session_queries.py` (well under two minutes).

Two households with the same 150 responsibilities and the same session plan (check-ins,
a veto): one with two years of agreed history, one with none. Every page must make the
same number of queries for both (no N+1): the script prints the table and exits non-zero
when a count differs. It also prints session_page_seconds(), the median render time of
the rebalance page, which bench/balance.py uses as its yardstick.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from planner import create_app, page_cache  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import (  # noqa: E402
    Area,
    CheckIn,
    Household,
    Member,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Responsibility,
    Veto,
    WeekPlan,
)
from planner.session.steps import STEPS  # noqa: E402

PASSWORD = "bench-password-2026"
RESPONSIBILITIES = 150
HISTORY_WEEKS = 104
RULES = (
    ("FREQ=DAILY", 7),
    ("FREQ=WEEKLY;BYDAY=MO,TH", 2),
    ("FREQ=WEEKLY;BYDAY=SA", 1),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 5),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", 1),
)
PAGES = ("", *(f"/{step.key.replace('_', '-')}" for step in STEPS), "/version?v=0")


def make_app(path: str):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-" + "s" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
            "PLANNER_SCHEDULER": "off",
            "MAIL_BACKEND": "console",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def make_household(
    label: str, password_hash: str, history_weeks: int, responsibilities: int = RESPONSIBILITIES
) -> tuple[int, str, int]:
    """(household id, first member's email, session plan id)."""
    from planner.session import services

    household = Household(name=label)
    db.session.add(household)
    members = [
        Member(household=household, display_name=name, email=f"{name.lower()}.{label}@example.com",
               password_hash=password_hash)
        for name in ("Alex", "Sam")
    ]  # fmt: skip
    db.session.add_all(members)
    db.session.flush()
    area = Area(household_id=household.id, key="home", name="Home")
    db.session.add(area)
    db.session.flush()
    for n in range(responsibilities):
        rule, _ = RULES[n % len(RULES)]
        db.session.add(
            Responsibility(
                household_id=household.id,
                area_id=area.id,
                title=f"Responsibility {n:03d}",
                rrule=rule,
                starts_on=date(2020, 1, 6),
                effort_minutes=5 + n % 40,
                mental_load_minutes=n % 25,
                default_owner_id=members[n % 2].id,
            )
        )
    db.session.commit()
    week = services.session_week_start(household)
    _history(household, members, week, history_weeks)
    plan = services.start_session(household)
    for member, state in zip(members, ("okay", "blown"), strict=True):
        db.session.add(
            CheckIn(household_id=household.id, week_plan_id=plan.id, member_id=member.id,
                    state=state, capacity={"okay": 100, "blown": 25}[state], fairness=3)
        )  # fmt: skip
    first = plan.items[0]
    db.session.add(
        Veto(household_id=household.id, week_plan_id=plan.id, plan_item_id=first.id,
             member_id=members[0].id, to_member_id=members[1].id)
    )  # fmt: skip
    db.session.commit()
    return household.id, members[0].email, plan.id


def _history(household, members, session_week: date, weeks: int) -> None:
    """Agreed past plans written in bulk: items, occurrences (done, carried, skipped),
    check-ins and a change note per week."""
    responsibilities = db.session.scalars(
        db.select(Responsibility).where(Responsibility.household_id == household.id)
    ).all()
    now = datetime.now(UTC)
    for k in range(weeks, 0, -1):
        start = session_week - timedelta(weeks=k)
        plan_id = db.session.execute(
            insert(WeekPlan).values(household_id=household.id, week_start=start, status="agreed",
                                    agreed_at=now, version=2, created_at=now)
        ).inserted_primary_key[0]  # fmt: skip
        item_rows = [
            {"household_id": household.id, "week_plan_id": plan_id, "responsibility_id": r.id,
             "title": r.title, "effort_minutes": r.effort_minutes,
             "mental_load_minutes": r.mental_load_minutes, "owner_id": members[(r.id + k) % 2].id,
             "pinned": False, "minimum_standard": "", "kindness_note": "", "sequence": 0,
             "updated_at": now}
            for r in responsibilities
        ]  # fmt: skip
        db.session.execute(insert(PlanItem), item_rows)
        items = db.session.execute(
            db.select(PlanItem.id).where(PlanItem.week_plan_id == plan_id)
        ).all()
        occurrences = []
        for n, (item_id,) in enumerate(items):
            times = RULES[n % len(RULES)][1]
            for day in range(times):
                state = ("done", "done", "done", "skipped", "open")[(n + day + k) % 5]
                done_by = members[(n + day) % 2].id if state == "done" else None
                occurrences.append(
                    {"household_id": household.id, "plan_item_id": item_id,
                     "on_date": start + timedelta(days=day), "state": state,
                     "done_by_id": done_by, "skip_reason": "Busy" if state == "skipped" else ""}
                )  # fmt: skip
        db.session.execute(insert(PlanOccurrence), occurrences)
        db.session.execute(
            insert(CheckIn),
            [
                {"household_id": household.id, "week_plan_id": plan_id, "member_id": m.id,
                 "state": ("okay", "in_the_reeds", "blown")[(k + i) % 3], "capacity": 60,
                 "what_would_help": "", "fairness": 1 + (k + i) % 5, "appreciation": "",
                 "agreed_at": now, "updated_at": now}
                for i, m in enumerate(members)
            ],
        )  # fmt: skip
        db.session.execute(
            insert(PlanChange).values(household_id=household.id, week_plan_id=plan_id,
                                      member_id=members[0].id, at=now, text="Sam took over bins.")
        )  # fmt: skip
    db.session.commit()


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        self.count += 1


def count_queries(app, email: str, plan_id: int) -> dict[str, int]:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    counts = {}
    urls = [f"/session/{plan_id}{p}" for p in PAGES] + ["/session", "/insights"]
    for url in urls:
        client.get(url)  # warm caches (templates, compiled statements)
        page_cache.clear(app)  # a render afresh, as after a change
        with QueryCounter(engine) as counter:
            response = client.get(url)
        if response.status_code not in (200, 204):
            raise SystemExit(f"{url} answered {response.status_code}")
        counts[url.replace(f"/session/{plan_id}", "/session/<plan>")] = counter.count
    return counts


def build(
    directory: str, history_weeks: int = HISTORY_WEEKS, responsibilities: int = RESPONSIBILITIES
):
    app = make_app(str(Path(directory) / "bench.sqlite3"))
    hashed = generate_password_hash(PASSWORD)
    with app.app_context():
        full = make_household("history", hashed, history_weeks, responsibilities)
        empty = make_household("fresh", hashed, 0, responsibilities)
    return app, full, empty


def session_page_seconds(repeats: int = 15, step: str = "/rebalance") -> float:
    """Median seconds to render one session page (rebalance) afresh, proposal included
    (nothing kept: planner.page_cache), for a 150-responsibility household, measured
    in-process with the test client."""
    with tempfile.TemporaryDirectory() as directory:
        app, _, (_, email, plan_id) = build(directory, history_weeks=0)
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        client.get(f"/session/{plan_id}{step}")
        times = []
        for _ in range(repeats):
            page_cache.clear(app)
            started = time.perf_counter()
            client.get(f"/session/{plan_id}{step}")
            times.append(time.perf_counter() - started)
        with app.app_context():
            db.engine.dispose()
        return statistics.median(times)


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        app, full, empty = build(directory)
        with_history = count_queries(app, full[1], full[2])
        without = count_queries(app, empty[1], empty[2])
        with app.app_context():
            plans = db.session.scalar(db.select(db.func.count()).select_from(WeekPlan))
            occurrences = db.session.scalar(db.select(db.func.count()).select_from(PlanOccurrence))
            db.engine.dispose()
    print(f"{RESPONSIBILITIES} responsibilities; {plans} week plans, {occurrences} occurrences")
    print(f"{'page':32} {'2 years':>8} {'empty':>8}")
    differ = []
    for page, count in with_history.items():
        mark = "" if count == without[page] else "  <- differs"
        if mark:
            differ.append(page)
        print(f"{page:32} {count:8d} {without[page]:8d}{mark}")
    seconds = session_page_seconds()
    print(f"session_page_seconds (rebalance page, median): {seconds * 1000:.1f} ms")
    print(f"total bench time: {time.perf_counter() - started:.1f} s")
    if differ:
        print(f"FAIL: query counts grow with history on {', '.join(differ)}")
        return 1
    print("OK: every page makes the same number of queries with and without history")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
