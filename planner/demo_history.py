"""Sixteen past weeks for the demo household, so insights and the look-back show
something: agreed plans made by the real generation, check-ins (with a two-week blown
streak for Sam at the end), fairness answers, and done, carried and skipped work.

Idempotent: weeks that are already agreed are left alone. Needs the demo inventory;
without responsibilities it does nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, time, timedelta

from sqlalchemy import func, select

from planner.domain.vocabulary import CheckInState, OccurrenceState, PlanState
from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.models import CheckIn, Household, Responsibility, WeekPlan
from planner.session.services import session_week_start
from planner.week import services as week_services

WEEKS = 16
# Oldest first: (Alex's state, Sam's state) and fairness answers (Alex, Sam).
OKAY, REEDS, BLOWN = CheckInState
STATES = (  # fmt: skip
    (OKAY, OKAY),
    (OKAY, REEDS),
    (REEDS, OKAY),
    (OKAY, OKAY),
    (BLOWN, OKAY),
    (REEDS, OKAY),
    (OKAY, OKAY),
    (OKAY, REEDS),
    (OKAY, OKAY),
    (REEDS, REEDS),
    (OKAY, OKAY),
    (OKAY, OKAY),
    (OKAY, REEDS),
    (OKAY, REEDS),
    (OKAY, BLOWN),
    (OKAY, BLOWN),
)
FAIRNESS = (
    (4, 3), (4, 3), (3, 4), (4, 4), (2, 4), (3, 4), (4, 4), (4, 3),
    (5, 4), (3, 3), (4, 4), (4, 4), (4, 3), (4, 2), (4, 2), (4, 3),
)  # fmt: skip
HELP = {REEDS: "An evening off this week", BLOWN: "Take the mornings off my plate"}
SKIP_REASONS = ("Ran out of time", "Ill", "Away for the day")


def add_demo_history(household: Household) -> None:
    has_inventory = db.session.scalar(
        select(func.count())
        .select_from(Responsibility)
        .where(Responsibility.household_id == household.id)
    )
    members = list(household.members)
    if not has_inventory or len(members) < 2:
        return
    # The weeks before the one being planned, so the look-back has a week to show.
    planned = session_week_start(household)
    _reach_back(household, planned - timedelta(weeks=WEEKS))
    for k in range(WEEKS, 0, -1):
        week_start = planned - timedelta(weeks=k)
        existing = week_services.find_week_plan(household, week_start)
        if existing is not None and existing.status == PlanState.AGREED:
            continue
        plan = week_services.get_or_create_week_plan(household, week_start)
        _fill_week(household, plan, members, WEEKS - k)
    db.session.flush()


def _reach_back(household: Household, first_week) -> None:
    """Let the demo's responsibilities have existed for months. 24 weeks keeps the phase
    of every "every N weeks" cadence up to N = 12; one-off cadences stay put."""
    for r in db.session.scalars(
        select(Responsibility).where(
            Responsibility.household_id == household.id, Responsibility.starts_on > first_week
        )
    ):
        if r.rrule and "COUNT" not in r.rrule and "UNTIL" not in r.rrule:
            r.starts_on -= timedelta(weeks=24)
    db.session.flush()


def _fill_week(household: Household, plan: WeekPlan, members: list, index: int) -> None:
    rng = random.Random(f"demo-{plan.week_start.isoformat()}")
    tz = household.tz
    today = household.today()
    states, fairness = STATES[index], FAIRNESS[index]
    # Owners as generated, with a few swapped so that the weeks differ.
    for item in plan.items:
        free = not item.pinned and not (item.responsibility and item.responsibility.allowed_members)
        if free and item.owner_id and rng.random() < 0.25:
            item.owner_id = next(m.id for m in members[:2] if m.id != item.owner_id)
        for occurrence in item.occurrences:
            roll = rng.random()
            if occurrence.on_date > today:
                continue  # still ahead this week
            day_end = local_to_utc(occurrence.on_date, time(20, 0), tz)
            if roll < 0.8 or (roll < 0.88 and item.owner_id is None):
                occurrence.state, occurrence.done_by_id = OccurrenceState.DONE, item.owner_id
                occurrence.done_at = day_end
            elif roll < 0.88:
                other = next(m.id for m in members if m.id != item.owner_id)
                occurrence.state, occurrence.done_by_id = OccurrenceState.DONE, other
                occurrence.done_at = day_end
            elif roll < 0.95:
                occurrence.state = OccurrenceState.SKIPPED
                occurrence.skip_reason = rng.choice(SKIP_REASONS)
    agreed_at = local_to_utc(plan.week_start - timedelta(days=1), time(19, 30), tz)
    existing = {c.member_id: c for c in plan.checkins}
    for member, state, fair in zip(members[:2], states, fairness, strict=True):
        checkin = existing.get(member.id) or CheckIn(
            household_id=household.id, week_plan_id=plan.id, member_id=member.id
        )
        checkin.state = state
        checkin.capacity = state.default_capacity
        checkin.what_would_help = HELP.get(state, "")
        checkin.fairness = fair
        checkin.agreed_at = agreed_at.astimezone(UTC)
        db.session.add(checkin)
    plan.status, plan.agreed_at = PlanState.AGREED, agreed_at.astimezone(UTC)
    db.session.flush()
