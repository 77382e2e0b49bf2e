"""Small builders for self-care, plan and feed tests (through the real models)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from planner.extensions import db
from planner.models import PlanItem, PlanOccurrence, SelfCareSlot, WeekPlan


def add_slot(
    made, member_index: int, title: str, weekday: int, at: time, minutes: int, created=None
):
    slot = SelfCareSlot(
        household_id=made.household_id,
        member_id=made.member_ids[member_index],
        title=title,
        weekday=weekday,
        start_time=at,
        minutes=minutes,
        created_at=created or datetime.now(UTC) - timedelta(weeks=3),
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def add_plan_item(
    made,
    week_start: date,
    title: str,
    owner_index: int,
    days,
    *,
    at=None,
    effort=30,
    status="draft",
):
    """A plan item with one occurrence per day in `days`; timed at `at` (aware) per day if given."""
    plan = (
        db.session.query(WeekPlan)
        .filter_by(household_id=made.household_id, week_start=week_start)
        .first()
    )
    if plan is None:
        plan = WeekPlan(household_id=made.household_id, week_start=week_start, status=status)
        db.session.add(plan)
        db.session.flush()
    item = PlanItem(
        household_id=made.household_id,
        week_plan_id=plan.id,
        title=title,
        effort_minutes=effort,
        owner_id=made.member_ids[owner_index],
    )
    db.session.add(item)
    db.session.flush()
    for day in days:
        starts = at(day) if at else None
        db.session.add(
            PlanOccurrence(
                household_id=made.household_id, plan_item_id=item.id, on_date=day, starts_at=starts
            )
        )
    db.session.commit()
    return item
