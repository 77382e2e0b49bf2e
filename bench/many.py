"""Many realistic households, written fast with bulk inserts, for the benches that measure
how the app behaves with thousands of them (bench/scale.py, bench/feed.py).

Each household: two members (default reminder lead times), one area, a dozen
responsibilities shared between them, a self-care slot each and one time together, and
an agreed plan for this week with an occurrence per responsibility. Rows are written as
the app would have them (Python-side defaults apply), but without the ORM's unit of work
and its change tracking — as after a restore or a migration, before any tick.

    from bench.many import seed_households
    with app.app_context():
        ids = seed_households(10_000)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert

from planner.domain.vocabulary import PlanState
from planner.extensions import db
from planner.models import (
    Area,
    Household,
    Member,
    PlanItem,
    PlanOccurrence,
    Responsibility,
    SelfCareSlot,
    WeekPlan,
)

ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney")
CHORES = (
    "Cooking dinner",
    "Dishes",
    "Laundry",
    "Bins out",
    "Groceries",
    "School run",
    "Bathroom",
    "Hoovering",
    "Bills",
    "Birthday presents",
    "Plants",
    "Bedtime",
)
BATCH = 1_000  # households per round of inserts


def _ids(model, rows: list[dict]) -> list[int]:
    """Insert rows in one statement per round; their new ids in the order given."""
    if not rows:
        return []
    result = db.session.execute(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows
    )
    return [row[0] for row in result]


def seed_households(count: int, today: date | None = None, prefix: str = "h") -> list[int]:
    """`count` households (ids returned), committed in rounds of BATCH."""
    today = today or datetime.now(UTC).date()
    week = today - timedelta(days=today.weekday())  # Monday-start weeks
    made: list[int] = []
    for first in range(0, count, BATCH):
        made += _round(range(first, min(first + BATCH, count)), week, prefix)
        db.session.commit()
    return made


def _round(numbers: range, week: date, prefix: str) -> list[int]:
    households = _ids(
        Household,
        [{"name": f"Household {prefix}{n}", "timezone": ZONES[n % len(ZONES)]} for n in numbers],
    )
    members = _ids(
        Member,
        [
            {
                "household_id": h,
                "display_name": name,
                "email": f"{name.lower()}.{prefix}{n}@many.test",
                "password_hash": "x",
            }
            for n, h in zip(numbers, households, strict=True)
            for name in ("Alex", "Sam")
        ],
    )
    pairs = [(members[2 * i], members[2 * i + 1]) for i in range(len(households))]
    areas = _ids(Area, [{"household_id": h, "key": "home", "name": "Home"} for h in households])
    chores = _ids(
        Responsibility,
        [
            {
                "household_id": h,
                "area_id": area,
                "title": title,
                "rrule": "FREQ=WEEKLY",
                "starts_on": week,
                "preferred_time": time(18, 0) if i % 3 == 0 else None,
                "effort_minutes": 15 + 5 * (i % 4),
                "default_owner_id": pair[i % 2],
            }
            for h, area, pair in zip(households, areas, pairs, strict=True)
            for i, title in enumerate(CHORES)
        ],
    )
    db.session.execute(
        insert(SelfCareSlot),
        [
            {
                "household_id": h,
                "member_id": member,
                "title": title,
                "weekday": day,
                "start_time": at,
                "minutes": minutes,
            }
            for h, (alex, sam) in zip(households, pairs, strict=True)
            for member, title, day, at, minutes in (
                (alex, "Long run", 5, time(8, 0), 90),
                (sam, "Pottery", 2, time(19, 0), 120),
                (None, "Dinner out", 4, time(19, 30), 150),
            )
        ],
    )
    agreed = datetime.combine(week, time(19, 45), UTC) - timedelta(days=1)
    plans = _ids(
        WeekPlan,
        [
            {
                "household_id": h,
                "week_start": week,
                "status": PlanState.AGREED,
                "agreed_at": agreed,
            }
            for h in households
        ],
    )
    per = len(CHORES)
    items = _ids(
        PlanItem,
        [
            {
                "household_id": h,
                "week_plan_id": plan,
                "responsibility_id": chores[k * per + i],
                "title": title,
                "effort_minutes": 15 + 5 * (i % 4),
                "owner_id": pairs[k][i % 2],
            }
            for k, (h, plan) in enumerate(zip(households, plans, strict=True))
            for i, title in enumerate(CHORES)
        ],
    )
    db.session.execute(
        insert(PlanOccurrence),
        [
            {"household_id": households[j // per], "plan_item_id": item, "on_date": day}
            for j, item in enumerate(items)
            for day in (week + timedelta(days=(j % per) % 7),)
        ],
    )
    return households
