"""Self-care slots and their weeks: writes, the week view, keep rates and blocked owners.

Writes only flush (the request commits); reminders, SEQUENCEs and versions follow by
themselves in the same transaction (planner.models.changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.database import insert_new, utcnow
from planner.domain.refusal import Refused
from planner.domain.vocabulary import SelfCareOutcome, SelfCareStatus
from planner.domain.week import local_to_utc, reachable_dates, week_bounds_utc
from planner.extensions import db
from planner.i18n import _, _l
from planner.models import (
    Household,
    Member,
    SelfCareSlot,
    SelfCareWeek,
)
from planner.selfcare.timing import day_in_week
from planner.week.services import week_start_for_household

# How far a stored row's week_start can be from its week by today's settings (a row
# stored under another week-start day, see row_week).
_REANCHOR_REACH = timedelta(days=6)


TOGETHER = _l("Together")  # whose time a slot of time together is


@dataclass(frozen=True)
class WeekSlot:
    slot_id: int
    member_id: int | None  # None: time together
    member_name: str
    title: str
    start_utc: datetime
    end_utc: datetime
    status: SelfCareStatus
    outcome: SelfCareOutcome | None  # once marked
    week_start: date
    original_start_utc: datetime
    started: bool = False  # its time has come: it can be marked kept or skipped

    @property
    def together(self) -> bool:
        return self.member_id is None


def occurrence_day(slot: SelfCareSlot, week_start: date) -> date:
    """The local day of the slot's occurrence in the week beginning `week_start`."""
    return day_in_week(week_start, slot.weekday)


def slot_start(household: Household, slot: SelfCareSlot, week_start: date) -> datetime:
    """When the slot falls in the given week, by its weekly rule (UTC; a wall time skipped
    by a spring-forward change is read forward, as calendar apps do)."""
    return local_to_utc(occurrence_day(slot, week_start), slot.start_time, household.tz)


def nominal_start(household: Household, slot: SelfCareSlot, week_start: date) -> datetime:
    """The occurrence as a weekly RRULE names it: its day and the slot's wall time in the
    household's zone, kept as is even inside a daylight-saving gap. Its EXDATE or
    RECURRENCE-ID must be written so, or calendar apps don't match it."""
    return datetime.combine(occurrence_day(slot, week_start), slot.start_time, household.tz)


def row_week(household: Household, slot: SelfCareSlot, row: SelfCareWeek) -> date:
    """The week, by the household's settings now, whose occurrence a stored row is about.

    The one rule that matches stored moves, skips and outcomes to occurrences (pages,
    feeds, reminders and keep rates all go through it): a row is about the slot's
    occurrence on the day its weekday falls in the week the row was stored for. That
    local day never changes; a new time zone only moves its instant, and a new week-start
    day may put it in a week that starts on another date.
    """
    return week_start_for_household(household, occurrence_day(slot, row.week_start))


def rows_by_week(
    household: Household, slot: SelfCareSlot, rows: Iterable[SelfCareWeek]
) -> dict[date, SelfCareWeek]:
    """`rows` of one slot by the week they belong to (`row_week`). Should two be about the
    same occurrence, the one stored for exactly that week wins, then the newer one."""
    found: dict[date, SelfCareWeek] = {}
    for row in rows:
        week = row_week(household, slot, row)
        held = found.get(week)
        if held is None or (row.week_start == week, row.id or 0) > (
            held.week_start == week,
            held.id or 0,
        ):
            found[week] = row
    return found


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
    rows = _week_rows(household, slots, first_week, last_week)
    found, week = [], first_week
    while week <= last_week:
        for slot in slots:
            if not slot_active(household, slot, week):
                continue
            original = slot_start(household, slot, week)
            row = rows.get((slot.id, week))
            moved = (
                row.moved_start if row is not None and row.status == SelfCareStatus.MOVED else None
            )
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
            member_name=str(TOGETHER) if t.slot.together else names.get(t.slot.member_id or 0, ""),
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
    household: Household, slots: list[SelfCareSlot], first_week: date, last_week: date
) -> dict[tuple[int, date], SelfCareWeek]:
    """The stored rows of `slots` whose occurrence falls in the weeks from `first_week` to
    `last_week`, by (slot id, week) as `rows_by_week` matches them."""
    if not slots:
        return {}
    # A row stored under another week-start day is at most six days off its week now.
    rows = db.session.scalars(
        select(SelfCareWeek).where(
            SelfCareWeek.slot_id.in_([s.id for s in slots]),
            SelfCareWeek.week_start >= first_week - _REANCHOR_REACH,
            SelfCareWeek.week_start <= last_week + _REANCHOR_REACH,
        )
    )
    by_slot: dict[int, list[SelfCareWeek]] = {}
    for row in rows:
        by_slot.setdefault(row.slot_id, []).append(row)
    found = {}
    for slot in slots:
        for week, row in rows_by_week(household, slot, by_slot.get(slot.id, [])).items():
            if first_week <= week <= last_week:
                found[(slot.id, week)] = row
    return found


def week_outcomes(household: Household, week_start: date) -> list[SelfCareWeek]:
    """What happened to each slot in a past week (kept or skipped), when recorded."""
    rows = db.session.scalars(
        select(SelfCareWeek)
        .where(
            SelfCareWeek.household_id == household.id,
            SelfCareWeek.week_start >= week_start - _REANCHOR_REACH,
            SelfCareWeek.week_start <= week_start + _REANCHOR_REACH,
        )
        .options(joinedload(SelfCareWeek.slot))
        .order_by(SelfCareWeek.id)
    )
    by_slot: dict[int, list[SelfCareWeek]] = {}
    for stored in rows:
        by_slot.setdefault(stored.slot_id, []).append(stored)
    found = [
        row
        for mine in by_slot.values()
        if (row := rows_by_week(household, mine[0].slot, mine).get(week_start)) is not None
    ]
    return sorted(found, key=lambda row: row.id)


def keep_rates(
    household: Household, weeks: int = 12
) -> dict[int | None, list[tuple[date, int, int]]]:
    """Per member, and for time together under None, for the last `weeks` finished weeks:
    (week_start, kept, planned)."""
    this_week = week_start_for_household(household)
    starts = [this_week - timedelta(weeks=n) for n in range(weeks, 0, -1)]
    slots = household_slots(household)
    by_id = {s.id: s for s in slots}
    rows = db.session.scalars(
        select(SelfCareWeek).where(
            SelfCareWeek.household_id == household.id,
            SelfCareWeek.week_start >= this_week - timedelta(weeks=weeks) - _REANCHOR_REACH,
            SelfCareWeek.week_start < this_week + _REANCHOR_REACH,
            SelfCareWeek.outcome == SelfCareOutcome.KEPT,
        )
    )
    kept_weeks = {
        (row.slot_id, row_week(household, by_id[row.slot_id], row))
        for row in rows
        if row.slot_id in by_id
    }
    rates: dict[int | None, list[tuple[date, int, int]]] = {m.id: [] for m in household.members}
    rates[None] = []
    for week in starts:
        for member_id, series in rates.items():
            mine = [
                s for s in slots if s.member_id == member_id and slot_active(household, s, week)
            ]
            kept = sum((s.id, week) in kept_weeks for s in mine)
            series.append((week, kept, len(mine)))
    return rates


def add_slot(
    member: Member,
    title: str,
    weekday: int,
    start_time: time,
    minutes: int,
    *,
    together: bool = False,
):
    """A weekly slot of the member's own time, or (`together`) time together for both."""
    slot = SelfCareSlot(
        household_id=member.household_id,
        member_id=None if together else member.id,
        title=title.strip(),
        weekday=weekday,
        start_time=start_time,
        minutes=minutes,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def update_slot(slot: SelfCareSlot, title: str, weekday: int, start_time: time, minutes: int):
    slot.title, slot.weekday, slot.start_time, slot.minutes = (
        title.strip(),
        weekday,
        start_time,
        minutes,
    )
    household = slot.household
    this_week = week_start_for_household(household)
    # Exceptions of coming weeks follow the new rule; past ones stay as they were.
    for week, row in rows_by_week(household, slot, slot.weeks).items():
        if week >= this_week:
            row.original_start = slot_start(household, slot, week)
    db.session.flush()


def archive_slot(slot: SelfCareSlot) -> None:
    slot.archived_at = utcnow()
    db.session.flush()


def skip_week(slot: SelfCareSlot, week_start: date) -> None:
    row = _row(slot, week_start)
    row.status, row.moved_start = SelfCareStatus.SKIPPED_AHEAD, None
    db.session.flush()


def restore_week(slot: SelfCareSlot, week_start: date) -> None:
    row = _row(slot, week_start)
    row.status, row.moved_start = SelfCareStatus.PLANNED, None
    db.session.flush()


def move_week(
    slot: SelfCareSlot, week_start: date, new_start: datetime, *, not_before: datetime | None = None
) -> None:
    """Move this week's slot to another time in the same week (also used to reschedule)."""
    household = slot.household
    begin, end = week_bounds_utc(week_start, household.tz)
    if not begin <= new_start < end:
        raise Refused(_("Pick a time within the same week."))
    if not_before is not None and new_start < not_before:
        raise Refused(_("Pick a time that hasn't passed yet."))
    row = _row(slot, week_start)
    if new_start == slot_start(household, slot, week_start):
        row.status, row.moved_start = SelfCareStatus.PLANNED, None
    else:
        row.status, row.moved_start = SelfCareStatus.MOVED, new_start
    row.outcome = None
    db.session.flush()


def move_to(slot: SelfCareSlot, week_start: date, day: date, at: time) -> None:
    """Move this week's slot to a local day and time of the same week."""
    if not week_start <= day < week_start + timedelta(weeks=1):
        raise Refused(_("Pick a day in this week."))
    start = local_to_utc(day, at, slot.household.tz)
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
        raise Refused(_("Choose what happened."))


def mark_outcome(
    slot: SelfCareSlot,
    week_start: date,
    outcome: SelfCareOutcome | None,
    now: datetime | None = None,
):
    """Kept or missed once its time has come; None takes a mark back at any time."""
    if outcome is not None and outcome not in set(SelfCareOutcome):
        raise Refused(_("Choose kept or missed."))
    row = _row(slot, week_start)
    moved = row.moved_start if row.status == SelfCareStatus.MOVED else None
    start = moved or slot_start(slot.household, slot, week_start)
    if outcome is not None and start > (now or utcnow()):
        raise Refused(_("You can mark it once its time has come."))
    if outcome is None and row.outcome is None:
        raise Refused(_("Nothing is marked for this week."))
    row.outcome = outcome
    db.session.flush()


def week_row(slot: SelfCareSlot, week_start: date) -> SelfCareWeek | None:
    """The stored row of the slot's occurrence in the week beginning `week_start`, matched
    by the one rule (`row_week`); None when that week has nothing stored."""
    household = slot.household
    return _week_rows(household, [slot], week_start, week_start).get((slot.id, week_start))


def _row(slot: SelfCareSlot, week_start: date) -> SelfCareWeek:
    household = slot.household
    if not slot_active(household, slot, week_start):
        raise Refused(_("This slot isn't part of that week."))
    row = week_row(slot, week_start)
    if row is not None:
        if row.week_start != week_start:
            # Stored under an earlier week-start day: written now, it follows today's.
            row.week_start = week_start
            row.original_start = slot_start(household, slot, week_start)
        return row
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


def follow_household_settings(household: Household, before_tz: tzinfo, this_week: date) -> None:
    """The household's time zone or week-start day just changed (`before_tz` was its zone,
    `this_week` the first day of its current week before the change). Stored moves, skips
    and outcomes of this week and coming ones follow the new settings: each stays with its
    occurrence's day and wall times, and its week and instants are worked out again, so
    pages, feeds and reminders go on agreeing. Past weeks stay as stored (`row_week` still
    matches them). Reminders are brought up to date in this transaction."""
    slots = {s.id: s for s in household_slots(household)}
    last = reachable_dates(household.today())[1]  # nothing beyond can be reached
    rows = list(
        db.session.scalars(
            select(SelfCareWeek)
            .where(
                SelfCareWeek.household_id == household.id,
                SelfCareWeek.week_start >= this_week - _REANCHOR_REACH,
                SelfCareWeek.week_start <= last,
            )
            .order_by(SelfCareWeek.week_start, SelfCareWeek.id)
        )
    )
    # A row never takes a (slot, week) another row holds now, so no UPDATE of this flush
    # can meet the unique constraint halfway, whatever order they run in.
    held = {(row.slot_id, row.week_start) for row in rows}
    for row in rows:
        slot = slots.get(row.slot_id)
        if slot is None or row.week_start < this_week:
            continue
        day = occurrence_day(slot, row.week_start)
        week = week_start_for_household(household, day)
        if week != row.week_start and (slot.id, week) not in held:
            held.add((slot.id, week))
            row.week_start = week
        row.original_start = local_to_utc(day, slot.start_time, household.tz)
        if row.moved_start is not None and row.moved_start.date() <= last:
            # A move keeps the wall time it was given, as the weekly slot itself does.
            wall = row.moved_start.astimezone(before_tz)
            row.moved_start = local_to_utc(wall.date(), wall.time(), household.tz)
    db.session.flush()
