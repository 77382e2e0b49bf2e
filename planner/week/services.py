"""Week plans: generation from the inventory, one-off items, and what happens during
the week (done, skipped, handed over). Other features call these functions.

Writes only flush: the request commits. Versions and SEQUENCEs follow by themselves
(planner.models.changes); a change after agreement adds a line to the plan's history.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.database import claim, insert_new
from planner.domain import balance
from planner.domain.refusal import Refused
from planner.domain.vocabulary import OccurrenceState, PlanState
from planner.domain.week import local_to_utc, reachable_dates, week_reachable, week_start_for
from planner.extensions import db
from planner.i18n import _
from planner.models import (
    CheckIn,
    Household,
    Member,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    WeekPlan,
    utcnow,
)
from planner.week import generation

MAX_EFFORT = 600
HISTORY_LENGTH = 50


class HouseholdClock(Protocol):
    """What week maths needs of a household: its today and the weekday its weeks start."""

    @property
    def week_start(self) -> int: ...

    def today(self) -> date: ...


def week_start_for_household(household: HouseholdClock, on: date | None = None) -> date:
    """The first day of the week holding `on` (default: today in the household zone).

    `household` needs only `today()` and `week_start` (the feed path passes a stand-in).
    """
    return week_start_for(household.today() if on is None else on, household.week_start)


def parse_week(household: Household, text: str, latest: date | None = None) -> date | None:
    """The week a URL names as YYYY-MM-DD (any day of it), or None when it names none or
    one outside the dates a member can reach (planner.domain.week.reachable_dates), or
    one starting after `latest`."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    today = household.today()
    first, last = reachable_dates(today)
    if not first - timedelta(days=6) <= day <= last:
        return None  # checked first: the week maths on date.min or date.max would overflow
    start = week_start_for_household(household, day)
    if not week_reachable(start, today):
        return None
    if latest is not None and start > latest:
        return None
    return start


def find_week_plan(household: Household, week_start: date) -> WeekPlan | None:
    return db.session.scalar(
        select(WeekPlan)
        .where(WeekPlan.of_week(household.id, week_start))
        .options(
            selectinload(WeekPlan.items).options(
                selectinload(PlanItem.occurrences),
                # Whether an item is time together, and its kindness words, come from it.
                selectinload(PlanItem.responsibility),
            )
        )
    )


def plan_row(household: Household, week_start: date) -> WeekPlan | None:
    """The week's plan alone, its items unread (the week page reads the days it shows:
    planner.week.calendar)."""
    return db.session.scalar(select(WeekPlan).where(WeekPlan.of_week(household.id, week_start)))


def checkin_for(plan: WeekPlan, member: Member) -> CheckIn:
    """The member's check-in row for the week, made when they first check in."""
    found = next((c for c in plan.checkins if c.member_id == member.id), None)
    if found is None:
        found = CheckIn(household_id=plan.household_id, week_plan_id=plan.id, member_id=member.id)
        db.session.add(found)
        plan.checkins.append(found)
    return found


def get_or_create_week_plan(household: Household, week_start: date) -> WeekPlan:
    """The week's plan; a new draft holds every responsibility that falls in the week.

    Two requests making the same week at once make one plan: the second waits for the
    first's commit and then finds it, already filled."""
    plan = find_week_plan(household, week_start)
    if plan is not None:
        return plan
    row = {"household_id": household.id, "week_start": week_start, "status": PlanState.DRAFT}
    made = insert_new(db.session, WeekPlan, [row], ["household_id", "week_start"])
    plan = find_week_plan(household, week_start)
    if plan is None:
        raise LookupError(f"week plan {week_start} of household {household.id} vanished")
    if made:
        generation.fill_plan(plan, household)
        db.session.flush()
    return plan


def refresh_draft(plan: WeekPlan) -> bool:
    """Bring a draft up to date with the inventory; agreed plans are never regenerated."""
    if plan.status != PlanState.DRAFT:
        return False
    household = plan.household
    if not generation.fill_plan(plan, household):
        return False
    clear_draft_agreements(plan)
    return True


def clear_draft_agreements(plan: WeekPlan) -> None:
    """A draft's items or owners changed: agreements given to the earlier draft lapse."""
    if plan.status == PlanState.DRAFT:
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
    household = plan.household
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise Refused(_("Give the item a title of up to 120 characters."), "title")
    first, last = generation.week_dates(plan.week_start)
    if not first <= on_date <= last:
        raise Refused(_("Pick a day in this week."), "on_date")
    if not 0 <= effort_minutes <= MAX_EFFORT:
        raise Refused(
            _("Effort is between 0 and %(most)s minutes.", most=MAX_EFFORT), "effort_minutes"
        )
    owner = _member_of(household, owner_id)
    starts_at = local_to_utc(on_date, start_time, household.tz) if start_time else None
    claim(db.session, plan)
    same = _same_one_off(plan, title, on_date, starts_at, effort_minutes, owner.id)
    if same is not None:
        return same  # a double submit: the item is already there
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
    history(
        plan,
        member,
        _(
            "%(name)s added %(title)s for %(owner)s.",
            name=member.display_name,
            title=title,
            owner=owner.display_name,
        ),
    )
    return item


def _same_one_off(
    plan: WeekPlan,
    title: str,
    on_date: date,
    starts_at: datetime | None,
    effort_minutes: int,
    owner_id: int,
) -> PlanItem | None:
    """The one-off already in the plan with exactly these details, if any (read after the
    claim, so a second submit of the same form finds the first one's item)."""
    return db.session.scalar(
        select(PlanItem)
        .join(PlanOccurrence, PlanOccurrence.plan_item_id == PlanItem.id)
        .where(
            PlanItem.week_plan_id == plan.id,
            PlanItem.responsibility_id.is_(None),
            PlanItem.title == title,
            PlanItem.effort_minutes == effort_minutes,
            PlanItem.owner_id == owner_id,
            PlanOccurrence.on_date == on_date,
            PlanOccurrence.starts_at.is_(None)
            if starts_at is None
            else PlanOccurrence.starts_at == starts_at,
        )
        .limit(1)
    )


def item_usual_load(item: PlanItem) -> int:
    """Minutes this week as usual: effort × occurrences + mental load."""
    return item.effort_minutes * len(item.occurrences) + item.mental_load_minutes


def item_week_load(item: PlanItem) -> int:
    """The usual load less what the kindness choice takes off (all of it when it waits,
    the doing when someone else does it)."""
    load = item_usual_load(item)
    return load - balance.relief(item.kindness, load, item.mental_load_minutes)


def member_loads(plan: WeekPlan) -> dict[int, dict]:
    """{member_id: {"doing": minutes, "mental": minutes}} for every member of the household."""
    household = plan.household
    loads = {m.id: {"doing": 0, "mental": 0} for m in household.members}
    for item in plan.items:
        total = item_week_load(item)
        mental = min(total, item.mental_load_minutes)
        if is_together(item):
            # Time together counts for both: each of them gives that time.
            for member_id in loads:
                loads[member_id]["doing"] += total - mental
                loads[member_id]["mental"] += mental
            continue
        if item.owner_id in loads:
            loads[item.owner_id]["mental"] += mental  # remembering it stays with its owner
        # The doing goes with each day: a day taken off a plate is the taker's load.
        for member_id, minutes in day_shares(item, total - mental).items():
            if member_id in loads:
                loads[member_id]["doing"] += minutes
    return loads


def day_shares(item: PlanItem, minutes: int) -> dict[int, int]:
    """The item's minutes of doing split over its days, by who does each day."""
    days = [o.holder_id for o in item.occurrences] or [item.owner_id]
    shares: dict[int, int] = {}
    for k, holder in enumerate(days):
        if holder is not None:
            share = minutes // len(days) + (1 if k < minutes % len(days) else 0)
            shares[holder] = shares.get(holder, 0) + share
    return shares


def is_together(item: PlanItem) -> bool:
    return flexibility(item).together


def flexibility(item: PlanItem) -> balance.Flexibility:
    """The item's responsibility's flexibility; a one-off must happen as agreed."""
    return item.responsibility.flex if item.responsibility else balance.Flexibility()


def kindness_words(item: PlanItem) -> str:
    """The couple's kindness choice for the item, in plain words ("" when as usual)."""
    return balance.chosen_words(item.kindness, flexibility(item)) if item.kindness else ""


def mark_done(occurrence: PlanOccurrence, member: Member) -> None:
    occurrence.state, occurrence.done_by_id, occurrence.done_at = (
        OccurrenceState.DONE,
        member.id,
        utcnow(),
    )
    occurrence.skip_reason = ""
    item = occurrence.item
    if item.owner_id == member.id:
        text = _("%(name)s did %(title)s.", name=member.display_name, title=item.title)
    else:
        text = _("%(name)s did %(title)s (carried).", name=member.display_name, title=item.title)
    history(item.week_plan, member, text)


def reopen(occurrence: PlanOccurrence, member: Member) -> None:
    occurrence.state, occurrence.done_by_id, occurrence.done_at = OccurrenceState.OPEN, None, None
    occurrence.skip_reason = ""
    item = occurrence.item
    history(
        item.week_plan,
        member,
        _("%(name)s reopened %(title)s.", name=member.display_name, title=item.title),
    )


def skip(occurrence: PlanOccurrence, member: Member, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Say briefly why, so you can look back on it together."), "reason")
    if len(reason) > 300:
        raise Refused(_("Keep the reason under 300 characters."), "reason")
    occurrence.state, occurrence.done_by_id, occurrence.done_at = (
        OccurrenceState.SKIPPED,
        member.id,
        None,
    )
    occurrence.skip_reason = reason
    item = occurrence.item
    history(
        item.week_plan,
        member,
        _(
            "%(name)s skipped %(title)s: %(reason)s",
            name=member.display_name,
            title=item.title,
            reason=reason,
        ),
    )


def plan_history(plan: WeekPlan) -> list[PlanChange]:
    return list(
        db.session.scalars(
            select(PlanChange)
            .where(PlanChange.week_plan_id == plan.id)
            .order_by(PlanChange.at.desc(), PlanChange.id.desc())
            .limit(HISTORY_LENGTH)
        )
    )


def claim_plan(plan: WeekPlan) -> None:
    """Take the plan for this write (planner.database.claim) and read its items and days
    afresh, so a partner's change made a moment ago is seen, never overwritten."""
    claim(db.session, plan)
    db.session.scalars(
        select(WeekPlan).where(WeekPlan.id == plan.id).execution_options(populate_existing=True)
    ).one()
    db.session.scalars(
        select(PlanItem)
        .where(PlanItem.week_plan_id == plan.id)
        .options(selectinload(PlanItem.occurrences))
        .execution_options(populate_existing=True)
    ).all()


def history(plan: WeekPlan, member: Member, text: str) -> None:
    """A line in the plan's short history, once it is agreed (drafts change freely).

    `text` is already in words: the language of the member who made the change, at the
    moment they made it (a line is kept as written)."""
    if plan.status == PlanState.AGREED:
        db.session.add(
            PlanChange(
                household_id=plan.household_id,
                week_plan_id=plan.id,
                member_id=member.id,
                text=text[:300],
            )
        )
    db.session.flush()


def _household(item: PlanItem) -> Household:
    return item.household


def _member_of(household: Household, member_id: int | None) -> Member:
    for member in household.members:
        if member.id == member_id:
            return member
    raise Refused(_("Pick a member of your household."), "owner_id")
