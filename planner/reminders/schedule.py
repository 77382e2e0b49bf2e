"""Which scheduled reminders should exist in a window: self-care slots and time together
(with their moved and skipped weeks) and the planning session, all in the household's
zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.domain.vocabulary import ReminderKind, SelfCareStatus
from planner.domain.week import local_to_utc
from planner.models import Household, Member, SelfCareSlot, SelfCareWeek
from planner.selfcare.services import slot_times
from planner.week.services import week_start_for_household


@dataclass(frozen=True)
class Occurrence:
    """One moment a member should be reminded of."""

    kind: ReminderKind  # SELFCARE | PLANNING
    member: Member
    occurrence_key: str
    start: datetime  # UTC
    end: datetime  # UTC
    due_at: datetime  # UTC: start minus the member's lead time
    lead_minutes: int
    week_start: date
    slot: SelfCareSlot | None = None
    week: SelfCareWeek | None = None


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
    members = {m.id: m for m in household.members}
    tz = household.tz
    # A week either side: a moved slot may land anywhere in its own week.
    first = week_start_for_household(household, (start - timedelta(days=8)).astimezone(tz).date())
    last = week_start_for_household(household, (end + timedelta(days=8)).astimezone(tz).date())
    for t in slot_times(household, first, last):
        if t.status == SelfCareStatus.SKIPPED_AHEAD:
            continue
        # Time together reminds both of them, each with their own lead time.
        for member_id in members if t.slot.member_id is None else (t.slot.member_id,):
            lead = leads.get(member_id)
            if lead is None:
                continue
            yield Occurrence(
                kind=ReminderKind.SELFCARE,
                member=members[member_id],
                occurrence_key=selfcare_key(t.slot.id, t.week_start),
                start=t.start,
                end=t.end,
                due_at=t.start - timedelta(minutes=lead),
                lead_minutes=lead,
                week_start=t.week_start,
                slot=t.slot,
                week=t.row,
            )


def _planning(household: Household, start: datetime, end: datetime):
    for day in _days(household, start, end, household.planning_weekday):
        begins = local_to_utc(day, household.planning_time, household.tz)
        for member in household.members:
            lead = member.planning_reminder_minutes
            if lead is None:
                continue
            yield Occurrence(
                kind=ReminderKind.PLANNING,
                member=member,
                occurrence_key=f"session:{day.isoformat()}",
                start=begins,
                end=begins + timedelta(minutes=household.planning_minutes),
                due_at=begins - timedelta(minutes=lead),
                lead_minutes=lead,
                week_start=week_start_for_household(household, day),
            )
