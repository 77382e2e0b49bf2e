"""Shared by the export tests: the demo household with a row in every exported table,
and counts of every table's rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from planner.demo import load_demo
from planner.domain.vocabulary import ReminderKind
from planner.extensions import db
from planner.models import (
    AwayTime,
    BusyBlock,
    CalendarImport,
    ChannelChoice,
    Household,
    Member,
    PlanChange,
    Responsibility,
    Veto,
    WeekPlan,
)

MOMENT = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n\xc3\xa9"


def full_demo() -> Household:
    """The demo household plus the rows the demo has none of (vetoes, plan changes, away
    days, channel choices, an imported calendar and its busy times, allowed members)."""
    household = load_demo()
    alex, sam = household.members
    plan = db.session.scalars(
        select(WeekPlan).where(WeekPlan.household_id == household.id).order_by(WeekPlan.id)
    ).first()
    assert plan is not None and plan.items
    item = plan.items[0]
    calendar = CalendarImport(
        household_id=household.id,
        member_id=alex.id,
        name="Work",
        source_url="https://calendar.example.org/work.ics",
        ics_data=ICS,
        refresh_minutes=60,
        last_fetched_at=MOMENT,
    )
    db.session.add_all(
        [
            ChannelChoice(member_id=alex.id, kind=ReminderKind.SELFCARE, email=True, push=False),
            Veto(
                household_id=household.id,
                week_plan_id=plan.id,
                plan_item_id=item.id,
                member_id=sam.id,
                to_member_id=alex.id,
            ),
            PlanChange(
                household_id=household.id,
                week_plan_id=plan.id,
                member_id=sam.id,
                at=MOMENT,
                text="Sam took the bins on Tuesday",
            ),
            AwayTime(
                household_id=household.id,
                member_id=sam.id,
                first_day=MOMENT.date(),
                last_day=MOMENT.date() + timedelta(days=2),
                note="Conference",
            ),
            calendar,
        ]
    )
    db.session.flush()
    db.session.add(
        BusyBlock(
            household_id=household.id,
            import_id=calendar.id,
            member_id=alex.id,
            starts_at=MOMENT,
            ends_at=MOMENT + timedelta(hours=2),
            summary="Board meeting",
        )
    )
    first = db.session.scalars(
        select(Responsibility).where(Responsibility.household_id == household.id)
    ).first()
    assert first is not None
    first.allowed_members = [alex, sam]
    db.session.flush()
    return household


def row_counts() -> dict[str, int]:
    """How many rows every table holds."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def retire_emails(household_id: int) -> None:
    """Give the household's members other addresses, so its export can come back here."""
    for member in db.session.scalars(select(Member).where(Member.household_id == household_id)):
        member.email = "old-" + member.email
    db.session.flush()


def without_moment(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}
