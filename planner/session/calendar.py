"""What the look-back and look-ahead steps show: last week's outcome and the coming
week as seven days of entries, in the household's zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from babel.lists import format_list
from sqlalchemy import select

from planner.domain.vocabulary import (
    OccurrenceState,
    SelfCareOutcome,
    SelfCareStatus,
    takes_place,
)
from planner.domain.week import local_to_utc, week_bounds_utc
from planner.extensions import db
from planner.i18n import _, current_language, moment
from planner.imports.services import busy_times_for, member_busy
from planner.models import Household, Member, PlanChange, PlanItem, PlanOccurrence, WeekPlan
from planner.selfcare.services import week_outcomes, week_slots
from planner.week.services import is_together


@dataclass
class MemberWeek:
    member: Member
    done: int = 0
    skipped: int = 0
    open: int = 0
    carried_for_them: list[str] = field(default_factory=list)  # titles the other did
    selfcare_kept: int = 0
    selfcare_skipped: int = 0


@dataclass
class TogetherWeek:
    kept: int = 0
    skipped: int = 0


@dataclass
class LookBack:
    plan: WeekPlan | None
    members: list[MemberWeek]
    skipped: list[tuple[PlanItem, PlanOccurrence]]
    carried: list[tuple[PlanItem, PlanOccurrence, str]]  # item, occurrence, who did it
    changes: list[str]
    together: TogetherWeek = field(default_factory=TogetherWeek)


def look_back(household: Household, plan: WeekPlan) -> LookBack:
    """Last week's plan. Always the same three queries, whether or not it exists."""
    week_start = plan.week_start - timedelta(days=7)
    previous = db.session.scalar(select(WeekPlan).where(WeekPlan.of_week(household.id, week_start)))
    rows = db.session.execute(
        select(PlanItem, PlanOccurrence)
        .join(WeekPlan, WeekPlan.id == PlanItem.week_plan_id)
        .join(PlanOccurrence, PlanOccurrence.plan_item_id == PlanItem.id)
        .where(WeekPlan.of_week(household.id, week_start))
        .order_by(PlanOccurrence.on_date, PlanItem.id)
    ).all()
    changes = db.session.scalars(
        select(PlanChange.text)
        .join(WeekPlan, WeekPlan.id == PlanChange.week_plan_id)
        .where(WeekPlan.of_week(household.id, week_start))
        .order_by(PlanChange.at.desc(), PlanChange.id.desc())
        .limit(10)
    ).all()
    members = {m.id: MemberWeek(m) for m in household.members}
    names = {m.id: m.display_name for m in household.members}
    skipped, carried = [], []
    for item, occ in rows:
        row = members.get(item.owner_id) if item.owner_id is not None else None
        if row is not None:
            setattr(row, occ.state, getattr(row, occ.state) + 1)
        if occ.state == OccurrenceState.SKIPPED:
            skipped.append((item, occ))
        if occ.state == OccurrenceState.DONE and occ.done_by_id and occ.done_by_id != item.owner_id:
            carried.append((item, occ, names.get(occ.done_by_id) or _("someone")))
            if row is not None:
                row.carried_for_them.append(item.title)
    together = TogetherWeek()
    for week in week_outcomes(household, week_start):
        kept = week.outcome == SelfCareOutcome.KEPT
        lost = not kept and (
            week.outcome == SelfCareOutcome.MISSED or week.status == SelfCareStatus.SKIPPED_AHEAD
        )
        if week.slot.together:
            together.kept += kept
            together.skipped += lost
        elif (row := members.get(week.slot.member_id or 0)) is not None:
            row.selfcare_kept += kept
            row.selfcare_skipped += lost
    return LookBack(previous, list(members.values()), skipped, carried, list(changes), together)


@dataclass(frozen=True)
class Entry:
    kind: str  # item | one_off | session | selfcare | together | on_duty | busy
    title: str
    start: datetime | None  # household-local; None = any time that day
    minutes: int
    member_id: int | None


@dataclass
class Day:
    on: date
    entries: list[Entry]


def look_ahead(household: Household, plan: WeekPlan) -> list[Day]:
    """Seven days, each with its entries sorted: untimed first, then by time."""
    tz = household.tz
    days: dict[date, list[Entry]] = {plan.week_start + timedelta(days=n): [] for n in range(7)}
    for item in plan.items:
        kind = "item" if item.responsibility_id else "one_off"
        for occ in item.occurrences:
            start = occ.starts_at.astimezone(tz) if occ.starts_at else None
            days.setdefault(occ.on_date, []).append(
                Entry(kind, item.title, start, item.effort_minutes, item.owner_id)
            )
    session_day = plan.week_start + timedelta(
        days=(household.planning_weekday - plan.week_start.weekday()) % 7
    )
    days[session_day].append(
        Entry(
            "session",
            _("Weekly planning session"),
            local_to_utc(session_day, household.planning_time, tz).astimezone(tz),
            household.planning_minutes,
            None,
        )
    )
    for slot in week_slots(household, plan.week_start):
        if slot.status == SelfCareStatus.SKIPPED_AHEAD:
            continue
        start = slot.start_utc.astimezone(tz)
        minutes = int((slot.end_utc - slot.start_utc).total_seconds() // 60)
        if slot.together:
            title = _("Time together: %(title)s", title=slot.title)
            days.setdefault(start.date(), []).append(Entry("together", title, start, minutes, None))
            continue
        title = _("%(name)s's time: %(title)s", name=slot.member_name, title=slot.title)
        days.setdefault(start.date(), []).append(
            Entry("selfcare", title, start, minutes, slot.member_id)
        )
        for other in household.members:
            if other.id != slot.member_id:
                days[start.date()].append(
                    Entry(
                        "on_duty",
                        _("On duty: %(name)s's time", name=slot.member_name),
                        start,
                        minutes,
                        other.id,
                    )
                )
    for busy in _busy_times(household, plan.week_start):
        start = busy.start.astimezone(tz)
        minutes = int((busy.end - busy.start).total_seconds() // 60)
        days.setdefault(start.date(), []).append(Entry("busy", busy.summary, start, minutes, None))
    first = plan.week_start
    return [
        Day(on, sorted(entries, key=_order))
        for on, entries in sorted(days.items())
        if first <= on < first + timedelta(days=7)
    ]


def _order(entry: Entry) -> tuple:
    return (entry.start is not None, entry.start.time() if entry.start else time(), entry.title)


def _busy_times(household: Household, week_start: date) -> list:
    start, end = week_bounds_utc(week_start, household.tz)
    return list(busy_times_for(household, start, end))


def selfcare_flags(household: Household, plan: WeekPlan, slots: list) -> list[str]:
    """Self-care times and time together that clash with busy times or with the week's
    own timed work, and how much the one on duty holds during someone's own time."""
    tz = household.tz
    names = {m.id: m.display_name for m in household.members}
    busy = member_busy(household, *week_bounds_utc(plan.week_start, tz))
    timed = [
        (item, occ.starts_at)
        for item in plan.items
        for occ in item.occurrences
        if occ.starts_at is not None and takes_place(item.kindness)
    ]
    flags = []
    for slot in slots:
        if slot.status == SelfCareStatus.SKIPPED_AHEAD:
            continue
        when = moment(slot.start_utc, "weekday_time", tz=tz)

        def during(start, end, slot=slot) -> bool:
            return start < slot.end_utc and slot.start_utc < end

        clashing = [
            (item, "" if is_together(item) else names.get(item.owner_id or 0, ""))
            for item, starts_at in timed
            if during(starts_at, starts_at + timedelta(minutes=max(item.effort_minutes, 1)))
        ]
        if slot.together:
            busy_names = sorted(
                {names.get(b.member_id, "") for b in busy if during(b.start, b.end)}
            )
            flags += _together_flags(slot, when, busy_names, clashing)
            continue
        name = slot.member_name
        if any(during(b.start, b.end) and b.member_id == slot.member_id for b in busy):
            flags.append(
                _(
                    "%(name)s's time on %(when)s overlaps a busy time in their calendar.",
                    name=name,
                    when=when,
                )
            )
        own = [item.title for item, _owner in clashing if item.owner_id == slot.member_id]
        duty = [item.title for item, _owner in clashing if item.owner_id != slot.member_id]
        if own:
            flags.append(
                _(
                    "%(name)s's time on %(when)s clashes with their own %(items)s.",
                    name=name,
                    when=when,
                    items=", ".join(own),
                )
            )
        if duty:
            flags.append(
                _(
                    "During %(name)s's time on %(when)s, the one on duty has %(items)s.",
                    name=name,
                    when=when,
                    items=", ".join(duty),
                )
            )
    return flags


def _together_flags(slot, when: str, busy_names: list[str], clashing: list) -> list[str]:
    """Time together clashes with anyone's busy time or timed work: it is both of theirs."""
    flags = []
    if busy_names:
        flags.append(
            _(
                "%(title)s on %(when)s overlaps a busy time in %(names)s's calendar.",
                title=slot.title,
                when=when,
                names=format_list(busy_names, locale=current_language()),
            )
        )
    work = [
        _("%(name)s's %(title)s", name=owner, title=item.title) if owner else item.title
        for item, owner in clashing
    ]
    if work:
        flags.append(
            _(
                "%(title)s on %(when)s clashes with %(items)s.",
                title=slot.title,
                when=when,
                items=", ".join(work),
            )
        )
    return flags
