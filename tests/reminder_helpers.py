"""Shared set-up for the reminder tests: slots at chosen local times, seeded outbox rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from planner.extensions import db
from planner.models import Household, Member, SelfCareSlot


def add_slot(member_id: int, local_start: datetime, minutes: int = 60, title: str = "Run") -> int:
    """A weekly slot on local_start's weekday and wall time (created a month earlier)."""
    member = db.session.get(Member, member_id)
    slot = SelfCareSlot(
        household_id=member.household_id,
        member_id=member_id,
        title=title,
        weekday=local_start.weekday(),
        start_time=local_start.time().replace(second=0, microsecond=0),
        minutes=minutes,
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id


def soon(household_id: int, minutes: int) -> datetime:
    """A local wall time about `minutes` from now in the household's zone (whole minute)."""
    zone = ZoneInfo(db.session.get(Household, household_id).timezone)
    return (
        (datetime.now(UTC) + timedelta(minutes=minutes))
        .astimezone(zone)
        .replace(second=0, microsecond=0)
    )
