"""Scheduled reminders follow changes in the changing request's own transaction, and the
scheduler only extends the horizons that run out soon, so a quiet tick costs the same
whatever the number of households."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as wall

import time_machine
from sqlalchemy import event, select, update

from planner.extensions import db
from planner.jobs import tick
from planner.models import Reminder, ReminderHorizon, SelfCareSlot
from planner.reminders.kinds import HORIZON
from planner.reminders.outbox import TEMPLATES, extend_due_horizons, extend_horizons
from planner.selfcare.services import update_slot
from tests.helpers import committing, login

# A Wednesday morning in London's winter time (UTC+0), far from any clock change.
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def pending(app, kind: str, member_id: int) -> list[datetime]:
    with committing(app):
        return list(
            db.session.scalars(
                select(Reminder.due_at)
                .where(
                    Reminder.kind == kind,
                    Reminder.member_id == member_id,
                    Reminder.state == "pending",
                )
                .order_by(Reminder.due_at)
            )
        )


def written_until(app, household_id: int) -> datetime | None:
    with committing(app):
        row = db.session.get(ReminderHorizon, household_id)
        return row.scheduled_until if row else None


def add_run(app, household_id: int, member_id: int, weekday: int) -> None:
    """A weekly hour's run at 18:00, made a month ago; its reminders follow at the commit."""
    with committing(app):
        db.session.add(
            SelfCareSlot(
                household_id=household_id,
                member_id=member_id,
                title="Run",
                weekday=weekday,
                start_time=wall(18, 0),
                minutes=60,
                created_at=WEDNESDAY - timedelta(days=30),
            )
        )
        db.session.commit()


@time_machine.travel(WEDNESDAY, tick=False)
def test_changes_bring_reminders_up_to_date_without_a_tick(app, client, make):
    made = make("Alex", "Sam")  # reminders 30 minutes before self-care, an hour before planning
    alex, sam = made.member_ids
    # The household is new: its planning reminders (Sunday 19:00 London) are there at once.
    sunday = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    assert pending(app, "planning", alex) == pending(app, "planning", sam) == [sunday]
    assert written_until(app, made.household_id) == WEDNESDAY + HORIZON

    login(client, made.emails[0])
    slot = {"title": "Run", "weekday": 3, "start_time": "18:00", "minutes": 60}
    assert client.post("/selfcare/slots", data=slot).status_code == 302
    assert pending(app, "selfcare", alex) == [datetime(2026, 11, 26, 17, 30, tzinfo=UTC)]

    with committing(app):
        slot_id = db.session.scalar(select(SelfCareSlot.id))
    moved = client.post(f"/selfcare/slots/{slot_id}/edit", data={**slot, "start_time": "19:15"})
    assert moved.status_code == 302
    assert pending(app, "selfcare", alex) == [datetime(2026, 11, 26, 18, 45, tzinfo=UTC)]

    settings = {
        "name": "Our place",
        "timezone": "America/New_York",
        "week_start": 0,
        "planning_weekday": 6,
        "planning_time": "19:00",
        "planning_minutes": 30,
    }
    assert client.post("/household", data=settings).status_code == 302
    # Sunday 19:00 in New York is midnight UTC; an hour before is 23:00.
    assert pending(app, "planning", sam) == [datetime(2026, 11, 29, 23, 0, tzinfo=UTC)]

    # Sam's new name reaches the self-care email already waiting for Alex.
    login(client, made.emails[1])
    profile = {"display_name": "Samira", "email": made.emails[1], "colour": "#3d7ea6"}
    assert client.post("/profile", data=profile).status_code == 302
    with committing(app):
        (payload,) = db.session.scalars(
            select(Reminder.payload).where(Reminder.kind == "selfcare", Reminder.state == "pending")
        )
    assert "Samira is on duty" in json.dumps(payload)


def test_a_household_whose_reminders_run_out_soon_is_extended_by_the_next_tick(app, make):
    with time_machine.travel(WEDNESDAY, tick=False):
        made = make("Alex", "Sam")
        alex = made.member_ids[0]
        add_run(app, made.household_id, alex, weekday=3)  # Thursdays at 18:00
    first = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    next_week = first + timedelta(days=7)
    assert pending(app, "selfcare", alex) == [first]

    # A day less a minute later, more than a week is still written: nothing to do.
    with time_machine.travel(WEDNESDAY + timedelta(hours=23, minutes=59), tick=False):
        later = make("Kim", "Lee")  # written a window ahead of now, by its own creation
        with app.app_context():
            assert extend_due_horizons() == 0
    assert pending(app, "selfcare", alex) == [first]
    kept_until = written_until(app, later.household_id)

    # Once less than a week is written, the next tick writes it a window ahead again.
    moment = WEDNESDAY + timedelta(days=1, minutes=1)
    with time_machine.travel(moment, tick=False):
        tick(app)
    assert pending(app, "selfcare", alex) == [first, next_week]
    assert written_until(app, made.household_id) == moment + HORIZON
    assert written_until(app, later.household_id) == kept_until  # not due: left alone


def test_a_quiet_tick_costs_the_same_for_one_household_or_many(app, make):
    def queries_of_a_tick() -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            tick(app)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    with time_machine.travel(WEDNESDAY, tick=False):
        make("Alex", "Sam")
        one = queries_of_a_tick()
        for n in range(20):
            make(f"A{n}", f"B{n}")
        many = queries_of_a_tick()
    assert one == many
    assert one <= 10


def test_a_request_changing_a_household_the_scheduler_is_writing_waits_and_wins(app, make):
    """Forced: right after the scheduler has read a household's slots, a member moves one.
    The request waits for the scheduler's hold and then writes the moved reminder; the
    scheduler never writes back the calendar it read before the move."""
    with time_machine.travel(WEDNESDAY, tick=False):
        made = make("Alex", "Sam")
        alex = made.member_ids[0]
        add_run(app, made.household_id, alex, weekday=2)  # Wednesdays at 18:00
        with committing(app):
            # Its horizon runs out: the scheduler takes it.
            db.session.execute(update(ReminderHorizon).values(scheduled_until=WEDNESDAY))
            db.session.commit()
            engine = db.engine
        postgres = engine.dialect.name == "postgresql"
        # Where the request waits for the scheduler: its hold on PostgreSQL, SQLite's write
        # lock at its first write.
        waits_at = "UPDATE reminder_horizon" if postgres else "UPDATE self_care_slot"
        who = threading.local()
        reached = threading.Event()
        errors: list[BaseException] = []
        request: list[threading.Thread] = []

        def move_the_slot() -> None:
            who.request = True
            try:
                with committing(app):
                    slot = db.session.scalar(select(SelfCareSlot))
                    update_slot(slot, "Run", 2, wall(19, 15), 60)
                    db.session.commit()
            except BaseException as exc:  # reported from the test's thread
                errors.append(exc)
            finally:
                reached.set()

        def before(_conn, _cursor, statement, *_args) -> None:
            if getattr(who, "request", False) and statement.startswith(waits_at):
                reached.set()

        def after(_conn, _cursor, statement, *_args) -> None:
            if request or getattr(who, "request", False):
                return
            if statement.startswith("SELECT self_care_slot"):
                request.append(threading.Thread(target=move_the_slot))
                request[0].start()
                assert reached.wait(5), "the request never got to its write"
                time.sleep(0.2)  # its write is now queued behind the scheduler's hold

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            with app.app_context():
                assert extend_horizons(WEDNESDAY) == 1
                db.session.remove()
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        request[0].join(10)
    assert not errors, errors
    assert pending(app, "selfcare", alex) == [
        datetime(2026, 11, 25, 18, 45, tzinfo=UTC),
        datetime(2026, 12, 2, 18, 45, tzinfo=UTC),
    ]


@time_machine.travel(WEDNESDAY, tick=False)
def test_reminders_written_with_older_templates_are_written_again_by_the_next_tick(app, make):
    made = make("Alex", "Sam")
    with committing(app):
        db.session.execute(update(Reminder).values(fingerprint="older templates"))
        db.session.execute(update(ReminderHorizon).values(template_version=TEMPLATES - 1))
        db.session.commit()
    tick(app)
    with committing(app):
        assert db.session.get(ReminderHorizon, made.household_id).template_version == TEMPLATES
        fingerprints = set(db.session.scalars(select(Reminder.fingerprint)))
    assert fingerprints and "older templates" not in fingerprints
