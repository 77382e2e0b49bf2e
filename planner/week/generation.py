"""Turn the inventory into one week's plan items and occurrences.

Kept apart from services.py so the rules of generation (which responsibilities fall
in a week, who owns them) read in one place; nothing here commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.domain.cadence import occurrences_between
from planner.domain.vocabulary import Kindness
from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.models import Household, PlanItem, PlanOccurrence, Responsibility, WeekPlan


def week_dates(week_start: date) -> tuple[date, date]:
    """First and last day of the week (both included)."""
    return week_start, week_start + timedelta(days=6)


def occurrence_dates(responsibility: Responsibility, week_start: date) -> list[date]:
    """Days in the week on which the responsibility falls; none for "as needed"."""
    if not responsibility.rrule:
        return []
    end = week_start + timedelta(days=7)  # occurrences_between's end is exclusive
    return sorted(
        set(occurrences_between(responsibility.rrule, responsibility.starts_on, week_start, end))
    )


def active_responsibilities(household_id: int) -> list[Responsibility]:
    return list(
        db.session.scalars(
            select(Responsibility)
            .where(
                Responsibility.household_id == household_id,
                Responsibility.archived_at.is_(None),
            )
            .options(selectinload(Responsibility.allowed_members))
            .order_by(Responsibility.id)
        )
    )


def previous_owners(household_id: int, week_start: date) -> dict[int, int]:
    """responsibility id -> owner in the previous week's plan, for continuity."""
    rows = db.session.execute(
        select(PlanItem.responsibility_id, PlanItem.owner_id)
        .join(WeekPlan, PlanItem.week_plan_id == WeekPlan.id)
        .where(
            WeekPlan.of_week(household_id, week_start - timedelta(days=7)),
            PlanItem.responsibility_id.is_not(None),
            PlanItem.owner_id.is_not(None),
        )
    )
    return {r: o for r, o in rows if r is not None and o is not None}  # none are, by the query


def may_hold(
    responsibility: Responsibility | None, member_id: int | None, members: set[int]
) -> bool:
    """Whether a member may own this responsibility: pins and allowed members hold."""
    if member_id is None or member_id not in members:
        return False
    if responsibility is None:
        return True
    if responsibility.pinned and responsibility.default_owner_id is not None:
        return member_id == responsibility.default_owner_id
    allowed = {m.id for m in responsibility.allowed_members}
    return not allowed or member_id in allowed


def choose_owner(
    household: Household, responsibility: Responsibility, *preferred: int | None
) -> int | None:
    members = {m.id for m in household.members}
    allowed = sorted(m.id for m in responsibility.allowed_members)
    order = [*preferred, responsibility.default_owner_id, *allowed, *sorted(members)]
    for member_id in order:
        if may_hold(responsibility, member_id, members):
            return member_id
    return None


def snapshot(item: PlanItem, responsibility: Responsibility) -> bool:
    """Copy what the plan keeps of the responsibility; True when anything changed."""
    fields = {
        "title": responsibility.title,
        "effort_minutes": responsibility.effort_minutes,
        "mental_load_minutes": responsibility.mental_load_minutes,
        "pinned": responsibility.pinned,
        "minimum_standard": responsibility.minimum_standard,
    }
    changed = False
    for name, value in fields.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    return changed


def sync_occurrences(
    item: PlanItem, responsibility: Responsibility, days: list[date], household: Household
) -> bool:
    """Make the item's occurrences match the days; keeps the state of days that stay."""
    changed = False
    wanted = {day: _starts_at(responsibility, day, household) for day in days}
    for occurrence in list(item.occurrences):
        if occurrence.on_date not in wanted:
            item.occurrences.remove(occurrence)
            changed = True
        elif occurrence.starts_at != wanted[occurrence.on_date]:
            occurrence.starts_at = wanted[occurrence.on_date]
            changed = True
    have = {o.on_date for o in item.occurrences}
    for day in days:
        if day not in have:
            item.occurrences.append(
                PlanOccurrence(household_id=household.id, on_date=day, starts_at=wanted[day])
            )
            changed = True
    item.occurrences.sort(key=lambda o: o.on_date)
    return changed


def _starts_at(responsibility: Responsibility, day: date, household: Household):
    if responsibility.preferred_time is None:
        return None
    return local_to_utc(day, responsibility.preferred_time, household.tz)


def new_item(
    plan: WeekPlan, household: Household, responsibility: Responsibility, owner_id: int | None
) -> PlanItem:
    item = PlanItem(
        household_id=household.id,
        week_plan=plan,
        responsibility=responsibility,
        owner_id=owner_id,
        title=responsibility.title,
        sequence=0,
    )
    snapshot(item, responsibility)
    return item


def fill_plan(plan: WeekPlan, household: Household) -> bool:
    """Add, update or remove the plan's items so they match the inventory.

    Chosen owners stay unless a pin or the allowed members now forbid them; one-off
    items and items added by hand for "as needed" responsibilities are left alone.
    """
    changed = False
    members = {m.id for m in household.members}
    # An item that waited from last week is kept as it is, like a one-off.
    by_responsibility = {
        i.responsibility_id: i for i in plan.items if i.responsibility_id and not i.waited
    }
    continuity = previous_owners(household.id, plan.week_start)
    seen: set[int] = set()
    for responsibility in active_responsibilities(household.id):
        days = occurrence_dates(responsibility, plan.week_start)
        item = by_responsibility.get(responsibility.id)
        if item is None:
            if not days:
                continue
            owner = choose_owner(household, responsibility, continuity.get(responsibility.id))
            item = new_item(plan, household, responsibility, owner)
            db.session.add(item)
            changed = True
        elif not days and responsibility.rrule:
            continue  # left unseen: removed below
        seen.add(responsibility.id)
        touched = snapshot(item, responsibility)
        if not may_hold(responsibility, item.owner_id, members):
            item.owner_id = choose_owner(household, responsibility)
            touched = True
        if responsibility.rrule:
            touched = sync_occurrences(item, responsibility, days, household) or touched
        changed = changed or touched
    for responsibility_id, item in by_responsibility.items():
        if responsibility_id not in seen:
            db.session.delete(item)
            plan.items.remove(item)
            changed = True
    return carry_waiting(plan, household) or changed


def carry_waiting(plan: WeekPlan, household: Household) -> bool:
    """What the couple let wait last week comes back this week, on the same weekdays and
    times, with the same owner, once; unless it falls this week anyway (this week's turn
    does it)."""
    previous = db.session.scalars(
        select(PlanItem)
        .join(WeekPlan, PlanItem.week_plan_id == WeekPlan.id)
        .where(
            WeekPlan.of_week(household.id, plan.week_start - timedelta(days=7)),
            PlanItem.kindness == Kindness.DEFER,
        )
        .options(selectinload(PlanItem.occurrences))
        .order_by(PlanItem.id)
    ).all()
    here = {(i.responsibility_id, i.title) for i in plan.items}
    falls_anyway = {i.responsibility_id for i in plan.items if i.responsibility_id}
    changed = False
    for waiting in previous:
        if (waiting.responsibility_id, waiting.title) in here:
            continue
        if waiting.responsibility_id in falls_anyway:
            continue
        item = PlanItem(
            household_id=household.id,
            week_plan=plan,
            responsibility_id=waiting.responsibility_id,
            owner_id=waiting.owner_id,
            title=waiting.title,
            effort_minutes=waiting.effort_minutes,
            mental_load_minutes=waiting.mental_load_minutes,
            pinned=waiting.pinned,
            minimum_standard=waiting.minimum_standard,
            waited=True,
            sequence=0,
        )
        for occurrence in waiting.occurrences:
            day = occurrence.on_date + timedelta(days=7)
            starts_at = None
            if occurrence.starts_at is not None:  # the same local time, across a clock change
                local = occurrence.starts_at.astimezone(household.tz).time()
                starts_at = local_to_utc(day, local, household.tz)
            item.occurrences.append(
                PlanOccurrence(household_id=household.id, on_date=day, starts_at=starts_at)
            )
        db.session.add(item)
        here.add((waiting.responsibility_id, waiting.title))
        changed = True
    return changed
