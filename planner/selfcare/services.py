"""Self-care slots and their weeks: writes, the week view, keep rates and blocked owners.

Writes only flush (the request commits) and send `selfcare_changed`, so reminders
follow in the same transaction; SEQUENCEs and versions follow by themselves
(planner.models.changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner import events
from planner.database import insert_new, utcnow
from planner.domain.refusal import Refused
from planner.domain.vocabulary import SelfCareOutcome, SelfCareStatus
from planner.domain.week import local_to_utc, week_bounds_utc
from planner.extensions import db
from planner.models import (
    Household,
    Member,
    PlanItem,
    PlanOccurrence,
    SelfCareSlot,
    SelfCareWeek,
    WeekPlan,
)
from planner.selfcare.timing import day_in_week, overlaps
from planner.week.services import week_start_for_household


@dataclass(frozen=True)
class WeekSlot:
    slot_id: int
    member_id: int
    member_name: str
    title: str
    start_utc: datetime
    end_utc: datetime
    status: SelfCareStatus
    outcome: SelfCareOutcome | None  # once marked
    week_start: date
    original_start_utc: datetime
    started: bool = False  # its time has come: it can be marked kept or skipped


def slot_start(household: Household, slot: SelfCareSlot, week_start: date) -> datetime:
    """When the slot falls in the given week, by its weekly rule (UTC)."""
    return local_to_utc(day_in_week(week_start, slot.weekday), slot.start_time, household.tz)


def first_week(household: Household, slot: SelfCareSlot) -> date:
    return week_start_for_household(household, slot.created_at.astimezone(household.tz).date())


def slot_active(household: Household, slot: SelfCareSlot, week_start: date) -> bool:
    start, end = week_bounds_utc(week_start, household.tz)
    if first_week(household, slot) > week_start:
        return False
    return slot.archived_at is None or slot.archived_at >= end


def household_slots(household: Household) -> list[SelfCareSlot]:
    return list(
        db.session.scalars(
            select(SelfCareSlot)
            .where(SelfCareSlot.household_id == household.id)
            .order_by(SelfCareSlot.weekday, SelfCareSlot.start_time, SelfCareSlot.id)
        )
    )


@dataclass(frozen=True)
class SlotTime:
    """Where one slot falls in one week, with that week's move or skip applied."""

    slot: SelfCareSlot
    row: SelfCareWeek | None
    week_start: date
    original: datetime  # by the weekly rule (the RECURRENCE-ID)
    start: datetime

    @property
    def status(self) -> SelfCareStatus:
        return self.row.status if self.row else SelfCareStatus.PLANNED

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.slot.minutes)


def slot_times(household: Household, first_week: date, last_week: date) -> list[SlotTime]:
    """Every active slot in each week from `first_week` to `last_week`, in two queries.
    The one rule for when self-care happens: pages, feeds' suggestions and reminders use it."""
    slots = household_slots(household)
    rows = _week_rows([s.id for s in slots], first_week, last_week)
    found, week = [], first_week
    while week <= last_week:
        for slot in slots:
            if not slot_active(household, slot, week):
                continue
            original = slot_start(household, slot, week)
            row = rows.get((slot.id, week))
            moved = row.moved_start if row is not None and row.status == SelfCareStatus.MOVED else None
            found.append(SlotTime(slot, row, week, original, moved or original))
        week += timedelta(days=7)
    return found


def week_slots(household: Household, week_start: date) -> list[WeekSlot]:
    """Every member's slots in one week, with moves and skips applied, in time order."""
    names = {m.id: m.display_name for m in household.members}
    now = utcnow()
    found = [
        WeekSlot(
            slot_id=t.slot.id,
            member_id=t.slot.member_id,
            member_name=names.get(t.slot.member_id, ""),
            title=t.slot.title,
            start_utc=t.start,
            end_utc=t.end,
            status=t.status,
            outcome=t.row.outcome if t.row else None,
            week_start=week_start,
            original_start_utc=t.original,
            started=t.start <= now,
        )
        for t in slot_times(household, week_start, week_start)
    ]
    return sorted(found, key=lambda w: (w.start_utc, w.slot_id))


def _week_rows(
    slot_ids: list[int], first_week: date, last_week: date
) -> dict[tuple[int, date], SelfCareWeek]:
    if not slot_ids:
        return {}
    rows = db.session.scalars(
        select(SelfCareWeek).where(
            SelfCareWeek.slot_id.in_(slot_ids),
            SelfCareWeek.week_start >= first_week,
            SelfCareWeek.week_start <= last_week,
        )
    )
    return {(row.slot_id, row.week_start): row for row in rows}


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


def blocked_members_for_occurrences(
    household: Household, week_start: date
) -> dict[int, frozenset[int]]:
    """Per plan item of the week: members whose self-care overlaps one of its timed occurrences."""
    busy = [
        (w.member_id, (w.start_utc, w.end_utc))
        for w in week_slots(household, week_start)
        if w.status != SelfCareStatus.SKIPPED_AHEAD
    ]
    rows = db.session.execute(
        select(PlanItem.id, PlanItem.effort_minutes, PlanOccurrence.starts_at)
        .join(WeekPlan, WeekPlan.id == PlanItem.week_plan_id)
        .outerjoin(PlanOccurrence, PlanOccurrence.plan_item_id == PlanItem.id)
        .where(WeekPlan.of_week(household.id, week_start))
    )
    blocked: dict[int, set[int]] = {}
    for item_id, effort, starts_at in rows:
        members = blocked.setdefault(item_id, set())
        if starts_at is None:
            continue  # untimed occurrences can be done around self-care
        span = (starts_at, starts_at + timedelta(minutes=max(effort, 1)))
        members.update(m for m, slot in busy if overlaps(span, slot))
    return {item_id: frozenset(members) for item_id, members in blocked.items()}


def keep_rates(household: Household, weeks: int = 12) -> dict[int, list[tuple[date, int, int]]]:
    """Per member, for the last `weeks` finished weeks: (week_start, kept, planned)."""
    this_week = week_start_for_household(household)
    starts = [this_week - timedelta(weeks=n) for n in range(weeks, 0, -1)]
    slots = household_slots(household)
    rows = db.session.scalars(
        select(SelfCareWeek).where(
            SelfCareWeek.household_id == household.id,
            SelfCareWeek.week_start >= this_week - timedelta(weeks=weeks),
            SelfCareWeek.outcome == SelfCareOutcome.KEPT,
        )
    )
    kept_weeks = {(row.slot_id, row.week_start) for row in rows}
    rates: dict[int, list[tuple[date, int, int]]] = {m.id: [] for m in household.members}
    for week in starts:
        for member_id, series in rates.items():
            mine = [
                s for s in slots if s.member_id == member_id and slot_active(household, s, week)
            ]
            kept = sum((s.id, week) in kept_weeks for s in mine)
            series.append((week, kept, len(mine)))
    return rates


def add_slot(member: Member, title: str, weekday: int, start_time: time, minutes: int):
    slot = SelfCareSlot(
        household_id=member.household_id,
        member_id=member.id,
        title=title.strip(),
        weekday=weekday,
        start_time=start_time,
        minutes=minutes,
    )
    db.session.add(slot)
    _changed(member.household, slot, None)
    return slot


def update_slot(slot: SelfCareSlot, title: str, weekday: int, start_time: time, minutes: int):
    slot.title, slot.weekday, slot.start_time, slot.minutes = (
        title.strip(),
        weekday,
        start_time,
        minutes,
    )
    household = slot.member.household
    this_week = week_start_for_household(household)
    # Exceptions of coming weeks follow the new rule; past ones stay as they were.
    for row in slot.weeks:
        if row.week_start >= this_week:
            row.original_start = slot_start(household, slot, row.week_start)
    _changed(household, slot, None)


def archive_slot(slot: SelfCareSlot) -> None:
    slot.archived_at = utcnow()
    _changed(slot.member.household, slot, None)


def skip_week(slot: SelfCareSlot, week_start: date) -> None:
    row = _row(slot, week_start)
    row.status, row.moved_start = SelfCareStatus.SKIPPED_AHEAD, None
    _changed(slot.member.household, slot, row)


def restore_week(slot: SelfCareSlot, week_start: date) -> None:
    row = _row(slot, week_start)
    row.status, row.moved_start = SelfCareStatus.PLANNED, None
    _changed(slot.member.household, slot, row)


def move_week(
    slot: SelfCareSlot, week_start: date, new_start: datetime, *, not_before: datetime | None = None
) -> None:
    """Move this week's slot to another time in the same week (also used to reschedule)."""
    household = slot.member.household
    begin, end = week_bounds_utc(week_start, household.tz)
    if not begin <= new_start < end:
        raise Refused("Pick a time within the same week.")
    if not_before is not None and new_start < not_before:
        raise Refused("Pick a time that hasn't passed yet.")
    row = _row(slot, week_start)
    if new_start == row.original_start:
        row.status, row.moved_start = SelfCareStatus.PLANNED, None
    else:
        row.status, row.moved_start = SelfCareStatus.MOVED, new_start
    row.outcome = None
    _changed(household, slot, row)


def move_to(slot: SelfCareSlot, week_start: date, day: date, at: time) -> None:
    """Move this week's slot to a local day and time of the same week."""
    if not week_start <= day < week_start + timedelta(weeks=1):
        raise Refused("Pick a day in this week.")
    start = local_to_utc(day, at, slot.member.household.tz)
    move_week(slot, week_start, start, not_before=utcnow())


def apply_week_action(slot: SelfCareSlot, week_start: date, action: str) -> None:
    if action == "skip":
        skip_week(slot, week_start)
    elif action == "restore":
        restore_week(slot, week_start)
    elif action in set(SelfCareOutcome):
        mark_outcome(slot, week_start, SelfCareOutcome(action))
    elif action == "undo":
        mark_outcome(slot, week_start, None)  # say a reminder link was tapped too early
    else:
        raise Refused("Choose what happened.")


def mark_outcome(
    slot: SelfCareSlot,
    week_start: date,
    outcome: SelfCareOutcome | None,
    now: datetime | None = None,
):
    """Kept or missed once its time has come; None takes a mark back at any time."""
    if outcome is not None and outcome not in set(SelfCareOutcome):
        raise Refused("Choose kept or missed.")
    row = _row(slot, week_start)
    moved = row.moved_start if row.status == SelfCareStatus.MOVED else None
    start = moved or row.original_start
    if outcome is not None and start > (now or utcnow()):
        raise Refused("You can mark it once its time has come.")
    if outcome is None and row.outcome is None:
        raise Refused("Nothing is marked for this week.")
    row.outcome = outcome
    _changed(slot.member.household, slot, row)


def _row(slot: SelfCareSlot, week_start: date) -> SelfCareWeek:
    household = slot.member.household
    if not slot_active(household, slot, week_start):
        raise Refused("This slot isn't part of that week.")
    # Made once even when two taps arrive together: the second waits, then finds the first's.
    values = {
        "household_id": slot.household_id,
        "slot_id": slot.id,
        "week_start": week_start,
        "original_start": slot_start(household, slot, week_start),
    }
    insert_new(db.session, SelfCareWeek, [values], ["slot_id", "week_start"])
    return db.session.scalars(
        select(SelfCareWeek)
        .where(SelfCareWeek.slot_id == slot.id, SelfCareWeek.week_start == week_start)
        .execution_options(populate_existing=True)
    ).one()


def _changed(household: Household, slot: SelfCareSlot, row: SelfCareWeek | None) -> None:
    db.session.flush()
    events.selfcare_changed.send(
        household, slot_id=slot.id, week_start=row.week_start if row else None
    )
