"""What the week and today pages show: the plan's days, each with who does what, and the
self-care, on-duty and together times that fall on it (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from planner.domain.vocabulary import OccurrenceState, SelfCareStatus
from planner.models import Household, Member, PlanItem, PlanOccurrence, WeekPlan
from planner.week.services import is_together


@dataclass
class Entry:
    occurrence: PlanOccurrence
    item: PlanItem
    holder: Member | None  # who does it that day
    time_label: str  # "07:30" in the household zone, "" for any time that day
    mine: bool  # mine to do (or ours, for time together)
    together: bool

    @property
    def taken(self) -> bool:
        """Someone took this day off its owner's plate."""
        o = self.occurrence
        return bool(o.taken_by_id) and o.taken_by_id != self.item.owner_id

    @property
    def open(self) -> bool:
        return self.occurrence.state == OccurrenceState.OPEN


@dataclass(frozen=True)
class Time:
    """A self-care or together time on a day, as this member lives it."""

    kind: str  # "mine" (my own time), "duty" (I'm on duty), "together", "theirs"
    label: str
    start: str  # "19:00"
    end: str
    skipped: bool = False


@dataclass
class Day:
    day: date
    is_today: bool
    past: bool
    entries: list[Entry] = field(default_factory=list)
    times: list[Time] = field(default_factory=list)

    @property
    def mine(self) -> list[Entry]:
        return [e for e in self.entries if e.mine]

    @property
    def others(self) -> list[Entry]:
        return [e for e in self.entries if not e.mine]

    @property
    def open_mine(self) -> int:
        return sum(e.open for e in self.mine)


@dataclass
class WeekView:
    plan: WeekPlan
    days: list[Day]
    members: dict[int, Member]
    open_count: int
    done_count: int

    def day(self, on: date) -> Day | None:
        return next((d for d in self.days if d.day == on), None)


def build(
    plan: WeekPlan,
    household: Household,
    member: Member,
    today: date,
    just_mine: bool = False,
    slots: list | None = None,
) -> WeekView:
    """The week day by day; on each day my things first, then time together, then the rest.
    `slots` are the week's self-care times (planner.selfcare.services.week_slots)."""
    members = {m.id: m for m in household.members}
    days = [
        Day(d, d == today, d < today)
        for d in (plan.week_start + timedelta(days=i) for i in range(7))
    ]
    occurrences = [o for item in plan.items for o in item.occurrences]
    _fill(days, occurrences, household, member, members, just_mine, slots)
    entries = [e for d in days for e in d.entries]
    open_count = sum(e.open for e in entries)
    done_count = sum(e.occurrence.state == OccurrenceState.DONE for e in entries)
    return WeekView(plan, days, members, open_count, done_count)


def one_day(
    on: date,
    occurrences: list[PlanOccurrence],
    household: Household,
    member: Member,
    today: date,
    slots: list | None = None,
) -> Day:
    """One day (Today's list) from that day's occurrences, each loaded with its item."""
    day = Day(on, on == today, on < today)
    members = {m.id: m for m in household.members}
    _fill([day], occurrences, household, member, members, False, slots)
    return day


def _fill(
    days: list[Day],
    occurrences: list[PlanOccurrence],
    household: Household,
    member: Member,
    members: dict[int, Member],
    just_mine: bool,
    slots: list | None,
) -> None:
    by_date = {d.day: d for d in days}
    tz = household.tz
    for occurrence in occurrences:
        day = by_date.get(occurrence.on_date)
        item = occurrence.item
        together = is_together(item)
        holder_id = occurrence.taken_by_id or item.owner_id
        mine = together or holder_id == member.id
        if day is None or (just_mine and not mine):
            continue
        label = (
            occurrence.starts_at.astimezone(tz).strftime("%H:%M") if occurrence.starts_at else ""
        )
        holder = members.get(holder_id) if holder_id is not None else None
        day.entries.append(Entry(occurrence, item, holder, label, mine, together))
    for d in days:
        # Mine first; then timed entries in time order, then the "any time" ones by title.
        d.entries.sort(
            key=lambda e: (not e.mine, e.time_label == "", e.time_label, e.item.title.lower())
        )
    for slot in slots or ():
        _place(slot, member, tz, by_date)


def _place(slot, member: Member, tz: ZoneInfo, by_date: dict[date, Day]) -> None:
    start, end = slot.start_utc.astimezone(tz), slot.end_utc.astimezone(tz)
    day = by_date.get(start.date())
    if day is None:
        return
    skipped = slot.status == SelfCareStatus.SKIPPED_AHEAD
    if slot.together:
        kind, label = "together", f"Time together: {slot.title}"
    elif slot.member_id == member.id:
        kind, label = "mine", f"Your time: {slot.title}"
    else:
        # While a partner has their own time, the other holds the household.
        kind, label = "duty", f"On duty: {slot.member_name}'s time"
    day.times.append(Time(kind, label, f"{start:%H:%M}", f"{end:%H:%M}", skipped))
    day.times.sort(key=lambda t: t.start)
