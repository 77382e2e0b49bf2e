"""Demo self-care: Alex runs on Tuesdays, Sam does pottery on Saturdays, and the two of them
walk together on Sunday mornings, with some history."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from planner.database import utcnow
from planner.domain.vocabulary import SelfCareOutcome
from planner.extensions import db
from planner.models import SelfCareSlot, SelfCareWeek
from planner.selfcare.services import slot_start
from planner.week.services import week_start_for_household

KEPT, MISSED = SelfCareOutcome.KEPT, SelfCareOutcome.MISSED
DEMO_SLOTS = (
    ("Alex", "Run", 1, time(18, 30), 60, (KEPT, KEPT, None, KEPT, MISSED, KEPT)),
    ("Sam", "Pottery", 5, time(9, 0), 120, (KEPT, MISSED, MISSED, KEPT, KEPT, None)),
    (None, "A walk together", 6, time(10, 0), 60, (KEPT, None, KEPT, MISSED, KEPT, KEPT)),
)


def add_demo_selfcare(household) -> None:
    members = {m.display_name: m for m in household.members}
    this_week = week_start_for_household(household)
    for name, title, weekday, at, minutes, history in DEMO_SLOTS:
        member = members.get(name) if name else None  # no name: time together
        if (name and member is None) or _exists(household.id, title):
            continue
        slot = SelfCareSlot(
            household_id=household.id,
            member_id=member.id if member else None,
            title=title,
            weekday=weekday,
            start_time=at,
            minutes=minutes,
            created_at=utcnow() - timedelta(weeks=len(history) + 2),
        )
        db.session.add(slot)
        db.session.flush()
        # Oldest first: six weeks ago … last week.
        for weeks_ago, outcome in zip(range(len(history), 0, -1), history, strict=True):
            if outcome is None:
                continue
            week = this_week - timedelta(weeks=weeks_ago)
            db.session.add(
                SelfCareWeek(
                    household_id=household.id,
                    slot_id=slot.id,
                    week_start=week,
                    original_start=slot_start(household, slot, week),
                    outcome=outcome,
                )
            )
    db.session.flush()


def _exists(household_id: int, title: str) -> bool:
    found = db.session.scalar(
        select(SelfCareSlot.id).where(
            SelfCareSlot.household_id == household_id, SelfCareSlot.title == title
        )
    )
    return found is not None
