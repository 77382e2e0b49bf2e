"""Self-care slots of one week, as the session needs them (from the self-care feature)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.extensions import db
from planner.models import Household, PlanItem, SelfCareWeek
from planner.selfcare.services import blocked_members_for_occurrences, week_slots

__all__ = ["blocked_members", "week_outcomes", "week_slots"]


def blocked_members(household: Household, week_start: date, items: list[PlanItem]) -> dict:
    """{plan item id: member ids who may not take it} — it falls in their self-care."""
    return dict(blocked_members_for_occurrences(household, week_start))


def week_outcomes(household: Household, week_start: date) -> list[SelfCareWeek]:
    """What happened to each slot in a past week (kept or skipped), when recorded."""
    return list(
        db.session.scalars(
            select(SelfCareWeek)
            .where(SelfCareWeek.household_id == household.id, SelfCareWeek.week_start == week_start)
            .options(joinedload(SelfCareWeek.slot))
            .order_by(SelfCareWeek.id)
        )
    )
