"""Week plans: generation from the inventory, one-off items, and what happens during
the week (done, skipped, handed over). Other features call these functions.

Every write touches the household, bumps the plan's version, commits and sends
planner.events.plan_changed, so feeds and open session pages follow.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from planner import events
from planner.domain.week import local_to_utc, week_start_for
from planner.extensions import db
from planner.models import (
    Household,
    Member,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    WeekPlan,
    utcnow,
)
from planner.week import generation

NO_LOAD_KINDNESS = frozenset({"defer", "drop"})
MAX_EFFORT = 600
HISTORY_LENGTH = 50
# Weeks a URL may name: the week maths (a week either side) stays inside the calendar.
EARLIEST, LATEST = date(2000, 1, 1), date(9998, 12, 31)


class WeekError(ValueError):
    """A request that the plan's rules don't allow; the message is for the member."""


def week_start_for_household(household: Household, on: date | None = None) -> date:
    """The first day of the week holding `on` (default: today in the household zone).

    `household` needs only `today()` and `week_start` (the feed path passes a stand-in).
    """
    return week_start_for(household.today() if on is None else on, household.week_start)


def parse_week(household: Household, text: str, latest: date = LATEST) -> date | None:
    """The week a URL names as YYYY-MM-DD (any day of it), or None when it names none."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if not EARLIEST <= day <= latest:
        return None
    return week_start_for_household(household, day)


def find_week_plan(household: Household, week_start: date) -> WeekPlan | None:
    return db.session.scalar(
        select(WeekPlan)
        .where(WeekPlan.household_id == household.id, WeekPlan.week_start == week_start)
        .options(selectinload(WeekPlan.items).selectinload(PlanItem.occurrences))
    )


def get_or_create_week_plan(household: Household, week_start: date) -> WeekPlan:
    """The week's plan; a new draft holds every responsibility that falls in the week."""
    plan = find_week_plan(household, week_start)
    if plan is not None:
        return plan
    plan = WeekPlan(household_id=household.id, week_start=week_start, status="draft", version=1)
    db.session.add(plan)
    generation.fill_plan(plan, household)
    household.touch()
    try:
        db.session.commit()
    except IntegrityError:
        # Another request made the same week at the same moment: use theirs.
        db.session.rollback()
        existing = find_week_plan(household, week_start)
        if existing is None:
            raise
        return existing
    events.plan_changed.send(household)
    return plan


def refresh_draft(plan: WeekPlan) -> bool:
    """Bring a draft up to date with the inventory; agreed plans are never regenerated."""
    if plan.status != "draft":
        return False
    household = db.session.get(Household, plan.household_id)
    if not generation.fill_plan(plan, household):
        return False
    clear_draft_agreements(plan)
    _changed(plan)
    return True


def clear_draft_agreements(plan: WeekPlan) -> None:
    """A draft's items or owners changed: agreements given to the earlier draft lapse."""
    if plan.status == "draft":
        for checkin in plan.checkins:
            checkin.agreed_at = None


def add_one_off(
    plan: WeekPlan,
    member: Member,
    title: str,
    on_date: date,
    effort_minutes: int,
    owner_id: int,
    start_time: time | None = None,
) -> PlanItem:
    household = db.session.get(Household, plan.household_id)
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise WeekError("Give the item a title of up to 120 characters.")
    first, last = generation.week_dates(plan.week_start)
    if not first <= on_date <= last:
        raise WeekError("Pick a day in this week.")
    if not 0 <= effort_minutes <= MAX_EFFORT:
        raise WeekError(f"Effort is between 0 and {MAX_EFFORT} minutes.")
    owner = _member_of(household, owner_id)
    starts_at = local_to_utc(on_date, start_time, household.tz) if start_time else None
    item = PlanItem(
        household_id=household.id,
        week_plan=plan,
        title=title,
        effort_minutes=effort_minutes,
        mental_load_minutes=0,
        owner_id=owner.id,
        sequence=0,
    )
    item.occurrences.append(
        PlanOccurrence(household_id=household.id, on_date=on_date, starts_at=starts_at)
    )
    db.session.add(item)
    clear_draft_agreements(plan)
    _changed(plan, member, f"{member.display_name} added {title} for {owner.display_name}.")
    return item


def item_week_load(item: PlanItem) -> int:
    """Minutes this week: effort × occurrences + mental load (none if deferred or dropped)."""
    if item.kindness in NO_LOAD_KINDNESS:
        return 0
    return item.effort_minutes * len(item.occurrences) + item.mental_load_minutes


def member_loads(plan: WeekPlan) -> dict[int, dict]:
    """{member_id: {"doing": minutes, "mental": minutes}} for every member of the household."""
    household = db.session.get(Household, plan.household_id)
    loads = {m.id: {"doing": 0, "mental": 0} for m in household.members}
    for item in plan.items:
        if item.owner_id not in loads or item.kindness in NO_LOAD_KINDNESS:
            continue
        loads[item.owner_id]["doing"] += item.effort_minutes * len(item.occurrences)
        loads[item.owner_id]["mental"] += item.mental_load_minutes
    return loads


def mark_done(occurrence: PlanOccurrence, member: Member) -> None:
    occurrence.state, occurrence.done_by_id, occurrence.done_at = "done", member.id, utcnow()
    occurrence.skip_reason = ""
    item = occurrence.item
    carried = "" if item.owner_id == member.id else " (carried)"
    _changed(item.week_plan, member, f"{member.display_name} did {item.title}{carried}.")


def reopen(occurrence: PlanOccurrence, member: Member) -> None:
    occurrence.state, occurrence.done_by_id, occurrence.done_at = "open", None, None
    occurrence.skip_reason = ""
    item = occurrence.item
    _changed(item.week_plan, member, f"{member.display_name} reopened {item.title}.")


def skip(occurrence: PlanOccurrence, member: Member, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise WeekError("Say briefly why, so you can look back on it together.")
    if len(reason) > 300:
        raise WeekError("Keep the reason under 300 characters.")
    occurrence.state, occurrence.done_by_id, occurrence.done_at = "skipped", member.id, None
    occurrence.skip_reason = reason
    item = occurrence.item
    _changed(item.week_plan, member, f"{member.display_name} skipped {item.title}: {reason}")


def request_handover(item: PlanItem, from_member: Member, to_member: Member) -> None:
    """The owner asks another member to take the item over for the rest of the week."""
    if item.owner_id != from_member.id:
        raise WeekError("Only the owner can hand this over.")
    if to_member.id == from_member.id or to_member.household_id != item.household_id:
        raise WeekError("Pick the member who should take it over.")
    members = {m.id for m in from_member.household.members}
    if not generation.may_hold(item.responsibility, to_member.id, members) or item.pinned:
        raise WeekError(f"{item.title} can only be held by its owner.")
    item.handover_to_id = to_member.id
    _changed(
        item.week_plan,
        from_member,
        f"{from_member.display_name} asked {to_member.display_name} to take over {item.title}.",
    )
    events.handover_requested.send(
        _household(item), item=item, to_member=to_member, from_member=from_member
    )


def answer_handover(item: PlanItem, member: Member, accept: bool) -> None:
    """The member asked accepts (whole ownership moves for the rest of the week) or declines."""
    if item.handover_to_id is None:
        raise WeekError("There is no handover waiting for this item.")
    if item.handover_to_id != member.id:
        raise WeekError("Only the member who was asked can answer.")
    item.handover_to_id = None
    if accept:
        item.owner_id = member.id
        clear_draft_agreements(item.week_plan)
        text = f"{member.display_name} took over {item.title}."
    else:
        text = f"{member.display_name} couldn't take over {item.title}."
    _changed(item.week_plan, member, text)


def record_change(plan: WeekPlan, member: Member | None, text: str) -> PlanChange:
    """Add a line to the plan's short history (changes after agreement)."""
    change = PlanChange(
        household_id=plan.household_id,
        week_plan_id=plan.id,
        member_id=member.id if member else None,
        text=text[:300],
    )
    db.session.add(change)
    _changed(plan)
    return change


def plan_history(plan: WeekPlan) -> list[PlanChange]:
    return list(
        db.session.scalars(
            select(PlanChange)
            .where(PlanChange.week_plan_id == plan.id)
            .order_by(PlanChange.at.desc(), PlanChange.id.desc())
            .limit(HISTORY_LENGTH)
        )
    )


def _changed(plan: WeekPlan, member: Member | None = None, text: str | None = None) -> None:
    """Commit one write: history line when agreed, versions, signal."""
    household = db.session.get(Household, plan.household_id)
    if text and plan.status == "agreed":
        db.session.add(
            PlanChange(
                household_id=plan.household_id,
                week_plan_id=plan.id,
                member_id=member.id if member else None,
                text=text[:300],
            )
        )
    household.touch()
    plan.version = (plan.version or 0) + 1
    db.session.commit()
    events.plan_changed.send(household)


def _household(item: PlanItem) -> Household:
    return db.session.get(Household, item.household_id)


def _member_of(household: Household, member_id: int | None) -> Member:
    for member in household.members:
        if member.id == member_id:
            return member
    raise WeekError("Pick a member of your household.")
