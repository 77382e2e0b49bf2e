"""The demo's current week: agreed, the days gone by done, and a little give and take."""

from __future__ import annotations

from sqlalchemy import func, select

from planner.database import utcnow
from planner.domain.vocabulary import OccurrenceState, PlanState
from planner.extensions import db
from planner.i18n import _
from planner.models import Household, Responsibility
from planner.week import services


def add_demo_week(household: Household) -> None:
    listed = db.session.scalar(
        select(func.count())
        .select_from(Responsibility)
        .where(Responsibility.household_id == household.id)
    )
    members = list(household.members)
    if not listed or len(members) < 2:
        return
    today = household.today()
    start = services.week_start_for_household(household)
    if services.find_week_plan(household, start) is not None:
        return  # the couple's own by now: never rewritten
    plan = services.get_or_create_week_plan(household, start)
    plan.status, plan.agreed_at = PlanState.AGREED, utcnow()
    alex, sam = members[0], members[1]
    offered = asked = False
    for item in plan.items:
        for o in item.occurrences:
            if o.on_date < today:
                o.state, o.done_by_id, o.done_at = OccurrenceState.DONE, o.holder_id, utcnow()
            elif o.on_date == today and item.owner_id == sam.id and not offered:
                o.taken_by_id, o.taken_at, offered = alex.id, utcnow(), True  # "I've got it"
            elif o.on_date > today and item.owner_id == alex.id and not asked:
                o.asked_to_id, o.asked_by_id, o.asked_at = sam.id, alex.id, utcnow()
                o.ask_reason, asked = _("Late meeting that day"), True
    db.session.flush()
