"""Who is not free when a timed item of the week happens, and why, in words.

A member is not free for a timed item when its time overlaps their self-care, a busy
time from their imported calendar, time together (a slot or a responsibility), or another
timed item they already hold. The rebalancer never hands an item to someone who is not free (and moves it away
from an owner whose self-care or calendar clashes), and each such move starts with the
clash: "Alex's Run is Tuesday 18:00–19:30, when Cooking dinner is due".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from planner.domain.vocabulary import SelfCareStatus, takes_place
from planner.domain.week import week_bounds_utc
from planner.i18n import _, moment
from planner.imports.services import member_busy
from planner.models import Household, WeekPlan
from planner.selfcare.services import week_slots
from planner.selfcare.timing import overlaps
from planner.week.services import is_together

MIN_MINUTES = 15  # a timed item with no effort still takes a moment


@dataclass(frozen=True)
class Commitment:
    members: frozenset[int]
    start: datetime
    end: datetime
    words: str  # "Alex's Run is Tuesday 18:00–19:30"
    item_id: int | None = None  # a plan item: never a clash with itself
    holder_only: bool = False  # another item someone holds: it stops others taking more


def week_clashes(plan: WeekPlan, household: Household) -> dict[int, dict[int, str]]:
    """Per plan item id: {member id: why they are not free for it}."""
    commitments = _commitments(plan, household)
    found: dict[int, dict[int, str]] = {}
    for item in plan.items:
        why = found.setdefault(item.id, {})
        for start in (o.starts_at for o in item.occurrences if o.starts_at is not None):
            span = (start, start + timedelta(minutes=max(item.effort_minutes, MIN_MINUTES)))
            for c in commitments:
                if c.item_id == item.id or not overlaps(span, (c.start, c.end)):
                    continue
                for member_id in c.members:
                    if c.holder_only and member_id == item.owner_id:
                        continue  # both already theirs: it doesn't make it move
                    why.setdefault(
                        member_id,
                        _("%(clash)s, when %(title)s is due", clash=c.words, title=item.title),
                    )
    return found


def _commitments(plan: WeekPlan, household: Household) -> list[Commitment]:
    names = {m.id: m.display_name for m in household.members}
    everyone = frozenset(names)
    tz = household.tz

    def when(start: datetime, end: datetime) -> str:
        return f"{moment(start, 'long_weekday_time', tz=tz)}–{moment(end, 'time', tz=tz)}"

    found = [
        Commitment(
            everyone if w.together else frozenset({w.member_id or 0}),
            w.start_utc,
            w.end_utc,
            _("%(title)s together is %(when)s", title=w.title, when=when(w.start_utc, w.end_utc))
            if w.together
            else _(
                "%(name)s's %(title)s is %(when)s",
                name=w.member_name,
                title=w.title,
                when=when(w.start_utc, w.end_utc),
            ),
        )
        for w in week_slots(household, plan.week_start)
        if w.status != SelfCareStatus.SKIPPED_AHEAD
    ]
    week_start, week_end = week_bounds_utc(plan.week_start, tz)
    for b in member_busy(household, week_start, week_end):  # "busy" is all it says
        if b.member_id in names:
            words = _(
                "%(name)s is busy %(when)s", name=names[b.member_id], when=when(b.start, b.end)
            )
            found.append(Commitment(frozenset({b.member_id}), b.start, b.end, words))
    for item in plan.items:
        if not takes_place(item.kindness):
            continue
        together = is_together(item)
        holders = everyone if together else everyone & {item.owner_id or 0}
        for occurrence in item.occurrences:
            if occurrence.starts_at is None or not holders:
                continue
            end = occurrence.starts_at + timedelta(minutes=max(item.effort_minutes, MIN_MINUTES))
            span = when(occurrence.starts_at, end)
            if together:
                words = _("%(title)s together is %(when)s", title=item.title, when=span)
            else:
                words = _(
                    "%(name)s already has %(title)s %(when)s",
                    name=names[item.owner_id or 0],
                    title=item.title,
                    when=span,
                )
            found.append(
                Commitment(holders, occurrence.starts_at, end, words, item.id, not together)
            )
    return found
