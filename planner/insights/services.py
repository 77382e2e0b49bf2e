"""The weeks gone by in pictures, and gentle signals. A fixed number of queries,
however long the history: plans, two load sums, check-ins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from planner.domain.balance import DEFAULT_FULL_WEEK_MINUTES
from planner.domain.vocabulary import CheckInState, Kindness, OccurrenceState
from planner.extensions import db
from planner.i18n import _l, _n, moment
from planner.models import CheckIn, Household, Member, PlanItem, PlanOccurrence, WeekPlan
from planner.week.services import week_start_for_household

WEEKS = 12
NUMBER_WORDS = {2: _l("two"), 3: _l("three"), 4: _l("four"), 5: _l("five"), 6: _l("six")}


@dataclass
class MemberWeek:
    doing: int = 0
    mental: int = 0
    state: CheckInState | None = None
    capacity: int | None = None
    fairness: int | None = None

    @property
    def can_carry(self) -> int | None:
        if self.capacity is None:
            return None
        return self.capacity * DEFAULT_FULL_WEEK_MINUTES // 100


@dataclass
class Insights:
    members: list[Member]
    weeks: list[date]
    by_member: dict[int, list[MemberWeek]] = field(default_factory=dict)
    signals: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)  # kindnesses this week, in words

    @property
    def has_history(self) -> bool:
        return any(w.state or w.doing or w.mental for rows in self.by_member.values() for w in rows)


def week_label(on: date) -> str:
    return moment(on, "date")


def _in_words(count: int) -> str:
    """A small count in words ("two"), a larger one in figures."""
    return str(NUMBER_WORDS.get(count, count))


def insights(household: Household, weeks: int = WEEKS, today: date | None = None) -> Insights:
    today = today or household.today()
    last = week_start_for_household(household, today)
    starts = [last - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    members = list(household.members)
    result = Insights(members, starts, {m.id: [MemberWeek() for _ in starts] for m in members})
    plans = dict(
        db.session.execute(
            select(WeekPlan.id, WeekPlan.week_start).where(
                WeekPlan.household_id == household.id,
                WeekPlan.week_start >= starts[0],
                WeekPlan.week_start <= last,
            )
        ).all()
    )
    position = {plan_id: starts.index(on) for plan_id, on in plans.items() if on in starts}
    _fill(result, position)  # even with no plans: the same queries for every history
    this_week = [plan_id for plan_id, on in plans.items() if on == last]
    result.taken = taken_off_plates(members, this_week)
    result.signals = signals(result)
    return result


def _fill(result: Insights, position: dict[int, int]) -> None:
    ids = list(position)
    kept = or_(
        PlanItem.kindness.is_(None),
        PlanItem.kindness.not_in([k for k in Kindness if not k.takes_load]),
    )
    # Each day counts for whoever does it: a day taken off a plate is the taker's.
    holder = func.coalesce(PlanOccurrence.taken_by_id, PlanItem.owner_id)
    doing = db.session.execute(
        select(PlanItem.week_plan_id, holder, func.sum(PlanItem.effort_minutes))
        .join(PlanOccurrence, PlanOccurrence.plan_item_id == PlanItem.id)
        .where(PlanItem.week_plan_id.in_(ids), kept)
        .group_by(PlanItem.week_plan_id, holder)
    )
    for plan_id, owner_id, minutes in doing:
        if owner_id in result.by_member:
            result.by_member[owner_id][position[plan_id]].doing = int(minutes or 0)
    mental = db.session.execute(
        select(PlanItem.week_plan_id, PlanItem.owner_id, func.sum(PlanItem.mental_load_minutes))
        .where(PlanItem.week_plan_id.in_(ids), kept)
        .group_by(PlanItem.week_plan_id, PlanItem.owner_id)
    )
    for plan_id, mental_owner, minutes in mental:
        if mental_owner in result.by_member:
            result.by_member[mental_owner][position[plan_id]].mental = int(minutes or 0)
    for c in db.session.scalars(select(CheckIn).where(CheckIn.week_plan_id.in_(ids))):
        if c.member_id in result.by_member:
            week = result.by_member[c.member_id][position[c.week_plan_id]]
            week.state, week.capacity, week.fairness = c.state, c.capacity, c.fairness


def taken_off_plates(members: list[Member], plan_ids: list[int]) -> list[str]:
    """ "Alex took 4 things off Sam's plate this week": days taken, done or to come."""
    names = {m.id: m.display_name for m in members}
    rows = db.session.execute(
        select(PlanOccurrence.taken_by_id, PlanItem.owner_id, func.count(PlanOccurrence.id))
        .join(PlanItem, PlanItem.id == PlanOccurrence.plan_item_id)
        .where(
            PlanItem.week_plan_id.in_(plan_ids),
            PlanOccurrence.taken_by_id.is_not(None),
            PlanOccurrence.taken_by_id != PlanItem.owner_id,
            PlanOccurrence.state != OccurrenceState.SKIPPED,
        )
        .group_by(PlanOccurrence.taken_by_id, PlanItem.owner_id)
    )
    found = []
    for taker, owner, count in rows:
        if taker in names and owner in names:
            found.append(
                _n(
                    "%(taker)s took %(num)d thing off %(owner)s's plate this week.",
                    "%(taker)s took %(num)d things off %(owner)s's plate this week.",
                    count,
                    taker=names[taker],
                    owner=names[owner],
                )
            )
    return sorted(found)


def _streak(values: list, test) -> int:
    """How many of the most recent recorded weeks in a row pass `test`."""
    count = 0
    for v in reversed(values):
        if v is None:
            continue
        if not test(v):
            break
        count += 1
    return count


def signals(result: Insights) -> list[str]:
    """Kind, specific nudges; never a comparison between members."""
    found = []
    for m in result.members:
        rows = result.by_member[m.id]
        states = [w.state for w in rows]
        name = m.display_name
        blown = _streak(states, lambda s: s == CheckInState.BLOWN)
        low = _streak(states, lambda s: s in (CheckInState.BLOWN, CheckInState.IN_THE_REEDS))
        if blown >= 2:
            found.append(
                _n(
                    "%(name)s has been blown %(weeks)s week running — consider a kindness plan.",
                    "%(name)s has been blown %(weeks)s weeks running — consider a kindness plan.",
                    blown,
                    name=name,
                    weeks=_in_words(blown),
                )
            )
        elif low >= 3:
            found.append(
                _n(
                    "%(name)s has been in the reeds or blown %(weeks)s week running — what "
                    "would help this week?",
                    "%(name)s has been in the reeds or blown %(weeks)s weeks running — what "
                    "would help this week?",
                    low,
                    name=name,
                    weeks=_in_words(low),
                )
            )
        unfair = _streak([w.fairness for w in rows], lambda f: f <= 2)
        if unfair >= 2:
            found.append(
                _n(
                    "%(name)s felt the last %(weeks)s week wasn't fair — worth a gentle talk "
                    "in the session.",
                    "%(name)s felt the last %(weeks)s weeks weren't fair — worth a gentle talk "
                    "in the session.",
                    unfair,
                    name=name,
                    weeks=_in_words(unfair),
                )
            )
        recent = [(w.doing + w.mental, w.can_carry) for w in rows[-4:] if w.can_carry is not None]
        over = sum(1 for carried, can_carry in recent if carried > can_carry)
        if over >= 3:
            found.append(
                _n(
                    "%(name)s carried more than their capacity in %(over)d of the last %(num)d "
                    "week — a lighter week could help.",
                    "%(name)s carried more than their capacity in %(over)d of the last %(num)d "
                    "weeks — a lighter week could help.",
                    len(recent),
                    name=name,
                    over=over,
                )
            )
    return found
