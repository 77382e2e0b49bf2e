"""Free times in a week for a skipped slot: around the member's own timed responsibilities,
the partner's self-care and the member's imported busy times (both members' for time
together)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from planner.database import utcnow
from planner.domain.busy import free_slots
from planner.domain.vocabulary import SelfCareStatus
from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.models import PlanItem, PlanOccurrence, SelfCareSlot, WeekPlan
from planner.selfcare.services import week_slots

DAY_FROM, DAY_UNTIL = time(7, 0), time(22, 0)
PER_DAY, AT_MOST = 3, 12
STEP = timedelta(minutes=30)


def busy_for_member(household, member_id: int | None, week_start: date, *, except_slot: int | None):
    """Everything that rules a time out for this member's self-care in that week; with
    no member (time together), for either of them."""
    busy: list[tuple[datetime, datetime]] = []
    for slot in week_slots(household, week_start):
        if slot.status != SelfCareStatus.SKIPPED_AHEAD and slot.slot_id != except_slot:
            busy.append((slot.start_utc, slot.end_utc))  # own other slots and the partner's
    rows = db.session.execute(
        select(PlanOccurrence.starts_at, PlanItem.effort_minutes)
        .join(PlanItem, PlanItem.id == PlanOccurrence.plan_item_id)
        .join(WeekPlan, WeekPlan.id == PlanItem.week_plan_id)
        .where(
            WeekPlan.of_week(household.id, week_start),
            PlanItem.owner_id.is_not(None) if member_id is None else PlanItem.owner_id == member_id,
            PlanOccurrence.starts_at.is_not(None),
        )
    )
    busy += [
        (start, start + timedelta(minutes=max(effort, 1)))
        for start, effort in rows
        if start is not None  # none is, by the query
    ]
    from planner.imports.services import member_busy

    first = local_to_utc(week_start, time(), household.tz)
    last = local_to_utc(week_start + timedelta(days=7), time(), household.tz)
    busy += [(b.start, b.end) for b in member_busy(household, first, last, member_id)]
    return busy


def free_times(
    household, slot: SelfCareSlot, week_start: date, now: datetime | None = None
) -> list[datetime]:
    """Up to a dozen future starts (household-local) where the whole slot fits, a few per day."""
    busy = busy_for_member(household, slot.member_id, week_start, except_slot=slot.id)
    length = timedelta(minutes=slot.minutes)
    earliest = now or utcnow()
    found: list[datetime] = []
    for offset in range(7):
        day = week_start + timedelta(days=offset)
        start = local_to_utc(day, DAY_FROM, household.tz).astimezone(household.tz)
        end = local_to_utc(day, DAY_UNTIL, household.tz).astimezone(household.tz)
        starts = [s for s in free_slots(start, end, busy, length, STEP) if s >= earliest]
        found += _spread(starts, slot.start_time)
    return found[:AT_MOST]


def _spread(starts: list[datetime], usual: time) -> list[datetime]:
    """A few per day, the ones nearest the slot's usual time first, shown in time order."""

    def distance(s: datetime) -> int:
        return abs((s.hour * 60 + s.minute) - (usual.hour * 60 + usual.minute))

    return sorted(sorted(starts, key=distance)[:PER_DAY])
