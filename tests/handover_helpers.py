"""An agreed week to take things off plates in: Alex cooks every day, Sam has the bins on
Thursday; tests run on its Wednesday morning (Europe/London, the same as UTC then)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from planner.domain.vocabulary import PlanState
from planner.extensions import db
from planner.models import Household
from planner.week import services
from tests.helpers import committing
from tests.test_week import add_responsibility

MONDAY = date(2026, 11, 23)
WEDNESDAY_MORNING = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def agreed_week(app, made) -> tuple[int, int, dict[str, int]]:
    """(plan id, Cooking dinner's item id, {"Mon": its occurrence id, …})."""
    alex, sam = made.member_ids
    with committing(app):
        add_responsibility(made.household_id, "Cooking dinner", default_owner_id=alex)
        add_responsibility(
            made.household_id,
            "Bins out",
            default_owner_id=sam,
            rrule="FREQ=WEEKLY;BYDAY=TH",
            starts_on=date(2026, 1, 1),
        )
        plan = services.get_or_create_week_plan(
            db.session.get(Household, made.household_id), MONDAY
        )
        plan.status = PlanState.AGREED
        cooking = next(i for i in plan.items if i.title == "Cooking dinner")
        days = {o.on_date.strftime("%a"): o.id for o in cooking.occurrences}
        return plan.id, cooking.id, days
