"""What the week and today pages show: the plan's days, each with who does what, and the
self-care, on-duty and together times that fall on it (read only).

The week reads every day as light lines (enough to count and to show at a glance) and only
the open day as entries with their items, so its cost follows one day, not the week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from planner.domain.vocabulary import OccurrenceState, SelfCareStatus
from planner.extensions import db
from planner.i18n import _, moment
from planner.models import Household, Member, PlanItem, PlanOccurrence, Responsibility, WeekPlan
from planner.week.handovers import (
    already,
    day_refusal,
    not_holder_refusal,
    pinned_refusal,
    together_refusal,
)
from planner.week.services import is_together


@dataclass
class Entry:
    occurrence: PlanOccurrence
    item: PlanItem
    holder: Member | None  # who does it that day
    time_label: str  # "07:30" in the household zone, "" for any time that day
    mine: bool  # mine to do (or ours, for time together)
    together: bool
    owned: bool = False  # the item is mine (whoever does this day)

    @property
    def taken(self) -> bool:
        """Someone took this day off its owner's plate."""
        o = self.occurrence
        return bool(o.taken_by_id) and o.taken_by_id != self.item.owner_id

    @property
    def open(self) -> bool:
        return self.occurrence.state == OccurrenceState.OPEN

    def skip_refusal(self) -> str:
        """Why this member isn't offered to skip this day ("" when they are): it is open,
        theirs to do, and not time together."""
        o, title = self.occurrence, self.item.title
        if not self.open:
            return already(title, o)
        if self.together:
            return together_refusal(title)
        if not self.mine:
            return _(
                "Only whoever does %(title)s on %(day)s can skip it.",
                title=title,
                day=moment(o.on_date, "weekday"),
            )
        return ""

    def ask_refusal(self, today: date, partners: bool) -> str:
        """Why this member isn't offered "Can you take it?" for this day ("" when they are):
        a day of an agreed week still to come that they hold of their own item (a day they
        took off a partner's plate stays theirs), with someone to ask."""
        title = self.item.title
        if not self.mine:
            return not_holder_refusal(title)
        if refusal := day_refusal(self.occurrence, today):
            return refusal
        if self.item.pinned:
            return pinned_refusal(title)
        if self.taken:
            return _(
                "You took this day of %(title)s off your partner's plate: it stays with you.",
                title=title,
            )
        if not partners:
            return _("There is no one else in your household to ask yet.")
        return ""


@dataclass(frozen=True)
class Time:
    """A self-care or together time on a day, as this member lives it."""

    kind: str  # "mine" (my own time), "duty" (I'm on duty), "together", "theirs"
    label: str
    start: str  # "19:00"
    end: str
    skipped: bool = False
    starts_at: datetime | None = None  # in order by this, not by the words


@dataclass(frozen=True)
class Line:
    """One day of a responsibility in a line: who does it and how it stands (read only)."""

    title: str
    time_label: str
    state: OccurrenceState
    holder: Member | None
    mine: bool
    together: bool
    starts_at: datetime | None = None  # in order by this, not by the words

    @property
    def open(self) -> bool:
        return self.state == OccurrenceState.OPEN


@dataclass
class Day:
    day: date
    is_today: bool
    past: bool
    entries: list[Entry] = field(default_factory=list)  # the open day's, to act on
    times: list[Time] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # the whole week at a glance
    mine_count: int = 0
    theirs_count: int = 0

    @property
    def mine(self) -> list[Entry]:
        return [e for e in self.entries if e.mine]

    @property
    def others(self) -> list[Entry]:
        return [e for e in self.entries if not e.mine]

    @property
    def open_mine(self) -> int:
        return sum(e.open for e in self.mine)

    def by_holder(self) -> list[tuple[Member | None, bool, list[Line]]]:
        """The day's lines by who does them, mine first (with time together): the whole
        week at a glance names each holder once a day. (holder, mine, lines)"""
        groups: dict[object, list[Line]] = {}
        for line in self.lines:
            groups.setdefault("mine" if line.mine else line.holder, []).append(line)
        return [(lines[0].holder, lines[0].mine, lines) for lines in groups.values()]


@dataclass
class WeekView:
    plan: WeekPlan
    days: list[Day]
    members: dict[int, Member]
    open_count: int
    done_count: int
    occurrences: list[PlanOccurrence]  # the open day's, and the days asked of this member


def build(
    plan: WeekPlan,
    household: Household,
    member: Member,
    today: date,
    open_on: date | None,
    just_mine: bool = False,
    slots: list | None = None,
) -> WeekView:
    """The week day by day: each day's count of mine and theirs, and the day `open_on` as
    entries to act on, mine first, then time together, then the rest; with no day open,
    every day as lines (the whole week at a glance). `slots` are the week's self-care
    times (planner.selfcare.services.week_slots)."""
    members = {m.id: m for m in household.members}
    days = [
        Day(d, d == today, d < today)
        for d in (plan.week_start + timedelta(days=i) for i in range(7))
    ]
    by_date = {d.day: d for d in days}
    tz, member_id = household.tz, member.id  # once: `member` may be a proxy
    open_count = done_count = 0
    for on, starts_at, state, taken_by_id, owner_id, title, together in _rows(plan):
        day = by_date.get(on)
        holder_id = taken_by_id or owner_id
        # As for entries (_fill): mine to do, or ours for time together.
        mine = bool(together) or holder_id == member_id
        if day is None or (just_mine and not mine):
            continue
        if mine:
            day.mine_count += 1
        else:
            day.theirs_count += 1
        open_count += state == OccurrenceState.OPEN
        done_count += state == OccurrenceState.DONE
        if open_on is None:
            label = moment(starts_at, "time", tz=tz) if starts_at else ""
            holder = members.get(holder_id) if holder_id is not None else None
            day.lines.append(Line(title, label, state, holder, mine, bool(together), starts_at))
    for d in days:
        d.lines.sort(
            key=lambda x: (not x.mine, x.starts_at is None, _when(x.starts_at), x.title.lower())
        )
    occurrences = _occurrences(plan, open_on, member, today)
    opened = [by_date[open_on]] if open_on in by_date else []
    shown = [o for o in occurrences if o.on_date == open_on]
    _fill(opened, shown, household, member, members, just_mine, None)
    for slot in slots or ():
        _place(slot, member, tz, by_date)
    return WeekView(plan, days, members, open_count, done_count, occurrences)


def _rows(plan: WeekPlan) -> list:
    """Every day of the week's plan as a plain row (no items loaded): (on_date, starts_at,
    state, taken_by_id, owner_id, title, together)."""
    return list(
        db.session.execute(
            select(
                PlanOccurrence.on_date,
                PlanOccurrence.starts_at,
                PlanOccurrence.state,
                PlanOccurrence.taken_by_id,
                PlanItem.owner_id,
                PlanItem.title,
                Responsibility.together,
            )
            .join(PlanItem, PlanOccurrence.plan_item_id == PlanItem.id)
            .outerjoin(Responsibility, PlanItem.responsibility_id == Responsibility.id)
            .where(PlanItem.week_plan_id == plan.id)
        )
    )


def _occurrences(
    plan: WeekPlan, open_on: date | None, member: Member, today: date
) -> list[PlanOccurrence]:
    """The open day's occurrences, and the days from today on asked of this member (the
    "Asked of you" card), each with its item and responsibility: one query."""
    wanted = (PlanOccurrence.asked_to_id == member.id) & (PlanOccurrence.on_date >= today)
    if open_on is not None:
        wanted = wanted | (PlanOccurrence.on_date == open_on)
    return list(
        db.session.scalars(
            select(PlanOccurrence)
            .join(PlanOccurrence.item)
            .join(PlanItem.week_plan)
            .where(PlanItem.week_plan_id == plan.id, wanted)
            .options(
                contains_eager(PlanOccurrence.item).options(
                    contains_eager(PlanItem.week_plan), joinedload(PlanItem.responsibility)
                )
            )
            .order_by(PlanOccurrence.on_date, PlanOccurrence.id)
        )
    )


def entry_of(
    occurrence: PlanOccurrence, household: Household, member: Member, today: date
) -> Entry:
    """One day of a responsibility as this member sees it (its own skip and ask pages)."""
    return one_day(occurrence.on_date, [occurrence], household, member, today).entries[0]


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
    member_id = member.id  # once: `member` may be the signed-in member's proxy
    for occurrence in occurrences:
        day = by_date.get(occurrence.on_date)
        item = occurrence.item
        together = is_together(item)
        holder_id = occurrence.taken_by_id or item.owner_id
        mine = together or holder_id == member_id
        if day is None or (just_mine and not mine):
            continue
        label = moment(occurrence.starts_at, "time", tz=tz) if occurrence.starts_at else ""
        holder = members.get(holder_id) if holder_id is not None else None
        owned = item.owner_id == member_id
        day.entries.append(Entry(occurrence, item, holder, label, mine, together, owned))
    for d in days:
        # Mine first; then timed entries in time order, then the "any time" ones by title.
        d.entries.sort(
            key=lambda e: (
                not e.mine,
                e.occurrence.starts_at is None,
                _when(e.occurrence.starts_at),
                e.item.title.lower(),
            )
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
        kind, label = "together", _("Time together: %(title)s", title=slot.title)
    elif slot.member_id == member.id:
        kind, label = "mine", _("Your time: %(title)s", title=slot.title)
    else:
        # While a partner has their own time, the other holds the household.
        kind, label = "duty", _("On duty: %(name)s's time", name=slot.member_name)
    times = moment(start, "time", tz=tz), moment(end, "time", tz=tz)
    day.times.append(Time(kind, label, *times, skipped, slot.start_utc))
    day.times.sort(key=lambda t: _when(t.starts_at))


def _when(at: datetime | None) -> datetime:
    """An instant to sort by (wall-clock words sort wrongly: "9:00" after "10:00")."""
    return at if at is not None else datetime.min.replace(tzinfo=UTC)
