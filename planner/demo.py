"""The demo household: idempotent, realistic data to look at."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from planner.extensions import db
from planner.models import Household, Member

DEMO_PASSWORD = "demo-planner-2026"
DEMO_MEMBERS = (("Alex", "alex@example.com", "#3d7ea6"), ("Sam", "sam@example.com", "#c0643c"))

# Later features add their own step: a function (household) -> None, run in order.
DEMO_STEPS: list = []


def _inventory_step(household: Household) -> None:
    from planner.inventory.demo import add_demo_inventory

    add_demo_inventory(household)


DEMO_STEPS.append(_inventory_step)


def _selfcare_step(household: Household) -> None:
    from planner.selfcare.demo import add_demo_selfcare

    add_demo_selfcare(household)


DEMO_STEPS.append(_selfcare_step)


def _reminders_step(household: Household) -> None:
    from planner.reminders.demo import add_demo_reminders

    add_demo_reminders(household)


DEMO_STEPS.append(_reminders_step)


def _history_step(household: Household) -> None:
    # Last: past weeks are generated from the inventory the steps above add.
    from planner.demo_history import add_demo_history

    add_demo_history(household)


DEMO_STEPS.append(_history_step)


def _this_week_step(household: Household) -> None:
    from planner.week.demo import add_demo_week

    add_demo_week(household)


DEMO_STEPS.append(_this_week_step)


def load_demo() -> Household:
    """Flushed, not committed: the caller (the `planner demo` command) commits."""
    household = _demo_household()
    for step in DEMO_STEPS:
        step(household)
    db.session.flush()
    return household


def _demo_household() -> Household:
    first = db.session.scalar(select(Member).where(Member.email == DEMO_MEMBERS[0][1]))
    if first is not None:
        return first.household
    household = Household(
        name="Demo",
        timezone="Europe/London",
        week_start=0,
        planning_weekday=6,
        planning_time=time(19, 0),
        planning_minutes=30,
    )
    db.session.add(household)
    for name, email, colour in DEMO_MEMBERS:
        db.session.add(
            Member(
                household=household,
                display_name=name,
                email=email,
                colour=colour,
                password_hash=generate_password_hash(DEMO_PASSWORD),
            )
        )
    db.session.flush()
    return household
