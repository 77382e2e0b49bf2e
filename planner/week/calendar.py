"""What the week page shows: the plan's occurrences laid out day by day (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.domain.vocabulary import OccurrenceState
from planner.models import Household, Member, PlanItem, PlanOccurrence, WeekPlan
from planner.week.services import is_together


@dataclass
class Entry:
    occurrence: PlanOccurrence
    item: PlanItem
    owner: Member | None
    time_label: str  # "07:30" in the household zone, "" for any time that day


@dataclass
class Day:
    day: date
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class WeekView:
    plan: WeekPlan
    days: list[Day]
    members: dict[int, Member]
    asked_of_me: list[PlanItem]  # handovers waiting for my answer
    asked_by_me: list[PlanItem]
    my_items: list[PlanItem]  # what I own this week, for handing over
    open_count: int
    done_count: int


def build(
    plan: WeekPlan, household: Household, member: Member, today: date, just_mine: bool
) -> WeekView:
    members = {m.id: m for m in household.members}
    days = [Day(plan.week_start + timedelta(days=i), False) for i in range(7)]
    for d in days:
        d.is_today = d.day == today
    by_date = {d.day: d for d in days}
    open_count = done_count = 0
    for item in plan.items:
        if just_mine and item.owner_id != member.id and item.handover_to_id != member.id:
            continue
        for occurrence in item.occurrences:
            day = by_date.get(occurrence.on_date)
            if day is None:
                continue
            label = (
                occurrence.starts_at.astimezone(household.tz).strftime("%H:%M")
                if occurrence.starts_at
                else ""
            )
            owner = members.get(item.owner_id) if item.owner_id is not None else None
            day.entries.append(Entry(occurrence, item, owner, label))
            open_count += occurrence.state == OccurrenceState.OPEN
            done_count += occurrence.state == OccurrenceState.DONE
    for d in days:
        # Timed entries first in time order, then the "any time" ones by title.
        d.entries.sort(key=lambda e: (e.time_label == "", e.time_label, e.item.title.lower()))
    return WeekView(
        plan=plan,
        days=days,
        members=members,
        asked_of_me=[i for i in plan.items if i.handover_to_id == member.id],
        asked_by_me=[i for i in plan.items if i.handover_to_id and i.owner_id == member.id],
        my_items=sorted(
            # Time together is both members': there is no one to hand it to.
            (
                i
                for i in plan.items
                if i.owner_id == member.id and not i.pinned and not is_together(i)
            ),
            key=lambda i: i.title.lower(),
        ),
        open_count=open_count,
        done_count=done_count,
    )
