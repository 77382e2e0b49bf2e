"""Which scheduled reminders should exist in a window: self-care slots (with their moved
and skipped weeks) and the planning session, all in the household's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from planner.domain import week as week_maths
from planner.extensions import db
from planner.models import Household, Member, SelfCareSlot, SelfCareWeek
from planner.week.services import week_start_for_household


@dataclass(frozen=True)
class Occurrence:
    """One moment a member should be reminded of."""

    kind: str  # selfcare | planning
    member: Member
    occurrence_key: str
    start: datetime  # UTC
    end: datetime  # UTC
    due_at: datetime  # UTC: start minus the member's lead time
    lead_minutes: int
    week_start: date
    slot: SelfCareSlot | None = None
    week: SelfCareWeek | None = None


def local_moment(household: Household, day: date, at: time) -> datetime:
    """A wall time in the household's zone as UTC (the first one in a repeated hour)."""
    return week_maths.local_to_utc(day, at, household.tz)


def _days(household: Household, start: datetime, end: datetime, weekday: int):
    """Local dates with the given weekday that could hold a moment in [start, end)."""
    first = start.astimezone(household.tz).date() - timedelta(days=8)
    last = end.astimezone(household.tz).date() + timedelta(days=8)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(days=7)


def selfcare_key(slot_id: int, week_start: date) -> str:
    return f"slot{slot_id}:{week_start.isoformat()}"


def parse_selfcare_key(key: str) -> tuple[int, date]:
    slot, _, week = key.partition(":")
    return int(slot.removeprefix("slot")), date.fromisoformat(week)


def occurrences(household: Household, start: datetime, end: datetime) -> list[Occurrence]:
    """Reminders whose due time falls in [start, end)."""
    found = [*_selfcare(household, start, end), *_planning(household, start, end)]
    return [o for o in found if start <= o.due_at < end]


def _selfcare(household: Household, start: datetime, end: datetime):
    leads = {m.id: m.selfcare_reminder_minutes for m in household.members}
    slots = db.session.scalars(
        select(SelfCareSlot).where(SelfCareSlot.household_id == household.id)
    ).all()
    slots = [s for s in slots if leads.get(s.member_id) is not None]
    if not slots:
        return
    weeks = {
        (w.slot_id, w.week_start): w
        for w in db.session.scalars(
            select(SelfCareWeek).where(
                SelfCareWeek.slot_id.in_([s.id for s in slots]),
                SelfCareWeek.week_start >= start.date() - timedelta(days=16),
                SelfCareWeek.week_start <= end.date() + timedelta(days=16),
            )
        )
    }
    members = {m.id: m for m in household.members}
    for slot in slots:
        lead = leads[slot.member_id]
        for day in _days(household, start, end, slot.weekday):
            week_start = week_start_for_household(household, day)
            original = local_moment(household, day, slot.start_time)
            if slot.archived_at is not None and slot.archived_at <= original:
                continue
            if week_maths.week_bounds_utc(week_start, household.tz)[1] <= slot.created_at:
                continue
            week = weeks.get((slot.id, week_start))
            if week is not None and week.status == "skipped":
                continue
            begins = week.moved_start if week and week.status == "moved" else None
            begins = begins or original
            yield Occurrence(
                kind="selfcare",
                member=members[slot.member_id],
                occurrence_key=selfcare_key(slot.id, week_start),
                start=begins,
                end=begins + timedelta(minutes=slot.minutes),
                due_at=begins - timedelta(minutes=lead),
                lead_minutes=lead,
                week_start=week_start,
                slot=slot,
                week=week,
            )


def _planning(household: Household, start: datetime, end: datetime):
    for day in _days(household, start, end, household.planning_weekday):
        begins = local_moment(household, day, household.planning_time)
        for member in household.members:
            lead = member.planning_reminder_minutes
            if lead is None:
                continue
            yield Occurrence(
                kind="planning",
                member=member,
                occurrence_key=f"session:{day.isoformat()}",
                start=begins,
                end=begins + timedelta(minutes=household.planning_minutes),
                due_at=begins - timedelta(minutes=lead),
                lead_minutes=lead,
                week_start=week_start_for_household(household, day),
            )
