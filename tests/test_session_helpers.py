"""Helpers (no tests): households with responsibilities and a session plan, for the session
and insight tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.domain.vocabulary import CheckInState
from planner.extensions import db
from planner.models import Area, CheckIn, Household, Responsibility, WeekPlan
from planner.session import services
from tests.helpers import committing

# title, RRULE, effort minutes per time, mental load minutes per week[, flexibility]
RESPONSIBILITIES = (
    ("Dishes", "FREQ=DAILY", 20, 10, {"simpler": "paper plates"}),
    ("Laundry", "FREQ=WEEKLY;BYDAY=MO,TH", 40, 15, {"can_wait": True}),
    ("School lunches", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 15, 20),  # must happen as agreed
    ("Groceries", "FREQ=WEEKLY;BYDAY=SA", 90, 30, {"help_from": "an online delivery"}),
    ("Bins", "FREQ=WEEKLY;BYDAY=TU", 10, 5),
)


@dataclass
class Planned:
    household_id: int
    member_ids: list[int]
    emails: list[str]
    plan_id: int
    item_ids: dict[str, int]  # title -> plan item id


def add_responsibilities(household: Household, rows=RESPONSIBILITIES, owner_id=None) -> list:
    area = Area(household_id=household.id, key="home", name="Home")
    db.session.add(area)
    db.session.flush()
    made = []
    for title, rule, effort, mental, *flex in rows:
        r = Responsibility(
            **(flex[0] if flex else {}),
            household_id=household.id,
            area_id=area.id,
            title=title,
            rrule=rule,
            starts_on=date(2025, 1, 6),
            effort_minutes=effort,
            mental_load_minutes=mental,
            default_owner_id=owner_id or household.members[0].id,
        )
        db.session.add(r)
        made.append(r)
    db.session.commit()
    return made


def plan_for(app, made, rows=RESPONSIBILITIES) -> Planned:
    """The made household's session plan, every responsibility owned by the first member."""
    with committing(app):
        household = db.session.get(Household, made.household_id)
        add_responsibilities(household, rows)
        plan = services.start_session(household)
        items = {i.title: i.id for i in plan.items}
        return Planned(made.household_id, made.member_ids, made.emails, plan.id, items)


def add_last_week(app, planned: Planned) -> None:
    """An agreed plan for the week before, so the session is not the household's first."""
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        last = plan.week_start - timedelta(days=7)
        db.session.add(WeekPlan(household_id=plan.household_id, week_start=last, status="agreed"))


def check_in(app, planned: Planned, member_id: int, state: str, capacity=None, fairness=None):
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        row = services.checkins_by_member(plan).get(member_id) or CheckIn(
            household_id=plan.household_id, week_plan_id=plan.id, member_id=member_id
        )
        row.state, row.fairness = state, fairness
        row.capacity = CheckInState(state).default_capacity if capacity is None else capacity
        db.session.add(row)
        plan.version += 1
        db.session.commit()


def plan_state(app, planned: Planned) -> dict:
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        return {
            "status": plan.status,
            "version": plan.version,
            "owners": {i.title: i.owner_id for i in plan.items},
            "kindness": {i.title: i.kindness for i in plan.items},
            "checkins": {
                c.member_id: (c.state, c.capacity, c.fairness, c.agreed_at is not None)
                for c in plan.checkins
            },
        }
