"""Finished reminders leave the outbox after the retention period, in bounded batches, so
a household's share of it stays bounded however long the instance runs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import time_machine
from sqlalchemy import func, select

from planner.extensions import db
from planner.jobs import tick
from planner.models import Member, Reminder, SelfCareSlot
from planner.reminders.outbox import insert_rows, row_values
from planner.reminders.retention import purge_old
from tests.helpers import committing

START = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)  # a Wednesday morning


def outbox_rows(app) -> int:
    with committing(app):
        return db.session.scalar(select(func.count(Reminder.id)))


def test_a_year_of_ticks_keeps_each_households_outbox_bounded(app, make):
    with time_machine.travel(START, tick=False):
        made = make("Alex", "Sam")
        with committing(app):
            for member_id, weekday in zip(made.member_ids, (1, 4), strict=True):
                db.session.add(
                    SelfCareSlot(
                        household_id=made.household_id,
                        member_id=member_id,
                        title="Run",
                        weekday=weekday,
                        start_time=time(18, 0),
                        minutes=60,
                    )
                )
            db.session.commit()
    sizes = {}
    for day in range(0, 365, 4):  # a scheduler tick every fourth day for a year
        with time_machine.travel(START + timedelta(days=day), tick=False):
            tick(app)
        sizes[day] = outbox_rows(app)
    # Four reminders a week (two slots, two planning): about 90 days' worth and the 8 ahead
    # stay, where the year made about 210.
    assert 50 <= sizes[120] <= 60
    assert max(n for day, n in sizes.items() if day >= 120) <= 60
    assert abs(sizes[364] - sizes[180]) <= 2
    with committing(app):
        oldest = db.session.scalar(select(func.min(Reminder.expires_at)))
    assert oldest >= START + timedelta(days=364 - 90)


def test_only_finished_reminders_past_retention_go_in_batches(app, make):
    made = make("Alex")
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    long_ago = now - timedelta(days=92)  # its day of grace ended 91 days ago
    states = {"sent": 5, "expired": 1, "failed": 1, "cancelled": 1, "sending": 1}
    with committing(app):
        member = db.session.get(Member, made.member_ids[0])
        rows = []
        for state, count in states.items():
            for n in range(count):
                for due, age in ((long_ago, "old"), (now - timedelta(days=89), "recent")):
                    row = row_values("handover", member, f"{state}-{age}-{n}", due, _payload())
                    rows.append({**row, "state": state})
        insert_rows(rows)
        db.session.commit()
        assert purge_old(now, limit=3) == 3  # one bounded batch
        assert purge_old(now, limit=100) == 5  # the rest of the finished old ones
        assert purge_old(now, limit=100) == 0
        left = db.session.scalars(select(Reminder.occurrence_key)).all()
    assert sorted(k for k in left if "old" in k) == ["sending-old-0"]  # never a row in flight
    assert len([k for k in left if "recent" in k]) == sum(states.values())


def _payload() -> dict:
    return {"to": "alex@example.com", "subject": "Hi", "text": "Hello", "headers": {}}
