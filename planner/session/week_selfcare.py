"""Self-care slots of one week, as the session needs them.

Uses the self-care feature's services when it is installed and falls back to reading
the slots directly, so the session works on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.extensions import db
from planner.models import Household, PlanItem, SelfCareSlot, SelfCareWeek


@dataclass(frozen=True)
class WeekSlot:
    """The same fields as planner.selfcare.services.WeekSlot uses."""

    slot_id: int
    member_id: int
    title: str
    start_utc: datetime
    end_utc: datetime
    status: str  # planned | moved | skipped
    outcome: str | None  # kept | skipped, once marked


def week_slots(household: Household, week_start: date) -> list:
    """Each active slot's time in this week, moves applied; skipped ones included."""
    try:
        from planner.selfcare.services import week_slots as selfcare_week_slots
    except ImportError:
        return _read_slots(household, week_start)
    return list(selfcare_week_slots(household, week_start))


def _read_slots(household: Household, week_start: date) -> list[WeekSlot]:
    slots = db.session.scalars(
        select(SelfCareSlot)
        .where(SelfCareSlot.household_id == household.id, SelfCareSlot.archived_at.is_(None))
        .order_by(SelfCareSlot.weekday, SelfCareSlot.start_time, SelfCareSlot.id)
    ).all()
    weeks = {
        w.slot_id: w
        for w in db.session.scalars(
            select(SelfCareWeek).where(
                SelfCareWeek.household_id == household.id, SelfCareWeek.week_start == week_start
            )
        )
    }
    found = []
    for slot in slots:
        day = week_start + timedelta(days=(slot.weekday - week_start.weekday()) % 7)
        start = datetime.combine(day, slot.start_time, household.tz).astimezone(UTC)
        week, status = weeks.get(slot.id), "planned"
        if week is not None:
            status = week.status
            if week.status == "moved" and week.moved_start:
                start = week.moved_start
        end = start + timedelta(minutes=slot.minutes)
        outcome = week.outcome if week else None
        found.append(WeekSlot(slot.id, slot.member_id, slot.title, start, end, status, outcome))
    return sorted(found, key=lambda w: (w.start_utc, w.slot_id))


def blocked_members(household: Household, week_start: date, items: list[PlanItem]) -> dict:
    """{plan item id: member ids who may not take it} — it falls in their self-care."""
    try:
        from planner.selfcare.services import blocked_members_for_occurrences
    except ImportError:
        blocked_members_for_occurrences = None
    if blocked_members_for_occurrences is not None:
        return dict(blocked_members_for_occurrences(household, week_start))
    slots = [s for s in week_slots(household, week_start) if s.status != "skipped"]
    blocked: dict[int, frozenset[int]] = {}
    for item in items:
        who = set()
        for occurrence in item.occurrences:
            if occurrence.starts_at is None:
                continue
            end = occurrence.starts_at + timedelta(minutes=max(item.effort_minutes, 1))
            who |= {
                s.member_id for s in slots if occurrence.starts_at < s.end_utc and s.start_utc < end
            }
        if who:
            blocked[item.id] = frozenset(who)
    return blocked


def week_outcomes(household: Household, week_start: date) -> list[SelfCareWeek]:
    """What happened to each slot in a past week (kept or skipped), when recorded."""
    return list(
        db.session.scalars(
            select(SelfCareWeek)
            .where(SelfCareWeek.household_id == household.id, SelfCareWeek.week_start == week_start)
            .options(joinedload(SelfCareWeek.slot))
            .order_by(SelfCareWeek.id)
        )
    )
