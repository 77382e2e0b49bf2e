"""Open session pages follow changes made elsewhere: a self-care move bumps the
version of the household's draft plans, so the polls see it (planner.session.live)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from planner import events
from planner.extensions import db
from planner.models import WeekPlan


@events.selfcare_changed.connect
def _selfcare_changed(household, **_) -> None:
    recent = household.today() - timedelta(days=7)
    db.session.execute(
        update(WeekPlan)
        .where(
            WeekPlan.household_id == household.id,
            WeekPlan.status == "draft",
            WeekPlan.week_start >= recent,
        )
        .values(version=WeekPlan.version + 1)
    )
    db.session.commit()
