"""Two senders claiming at the same moment, forced rather than hoped for.

The end-to-end test (test_reminders_processes) runs two real schedulers and only sometimes
makes them overlap. Here two threads, each with its own app context, session and database
connection, run the real `claim()` and `send_batch()` against one real database, and an
SQLAlchemy cursor event stops the first claimer at the exact point where the second must
get in: on PostgreSQL right after the first's SELECT … FOR UPDATE has locked its rows
(before its UPDATE and commit), on SQLite right after the first's claiming UPDATE (holding
the write lock, before its commit). A lease that runs out is forced with time_machine.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, select

from planner import create_app
from planner.extensions import db
from planner.models import Household, Reminder, ReminderHorizon
from planner.reminders import kinds
from planner.reminders.outbox import claim_horizons
from planner.reminders.sender import Outcome, claim, send_batch
from tests.conftest import app_settings, own_database, smtp_settings
from tests.helpers import committing
from tests.test_reminders_processes import seed

# How long a stopped claimer waits for the other: only a broken claim ever waits this long.
WAIT = 3.0

RACE_START = datetime(2026, 6, 10, 12, tzinfo=UTC)  # a fixed moment: the lease runs out from here


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_only)],
)
def race_db(request, tmp_path_factory):
    """A fresh database of its own (PostgreSQL only when PLANNER_TEST_PG_URL is set)."""
    url, drop = own_database(request.param, tmp_path_factory, "race")
    app = create_app(app_settings(url, tmp_path_factory.mktemp("race_app")))
    with committing(app):
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


@pytest.fixture
def race_app(race_db, smtp_server):
    """The race database's app, sending through the loopback SMTP server; emptied after."""
    race_db.config.update(smtp_settings(smtp_server))
    yield race_db
    with race_db.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def outbox(app) -> dict[str, str]:
    """Message-ID → state of every reminder."""
    with app.app_context():
        result = db.session.execute(select(Reminder.message_id, Reminder.state)).all()
        db.session.remove()
    return {r.message_id: r.state for r in result}


def delivered(smtp_server) -> Counter[str]:
    with smtp_server.lock:
        return Counter(m["Message-ID"].strip() for m in smtp_server.messages)


@dataclass
class Overlap:
    gave_up: bool  # the first waited WAIT for the second, in vain
    errors: list[BaseException]
    hung: bool


def overlapping(app, is_claim, work) -> Overlap:
    """Run `work(name, claimed)` for "first" and "second" in two threads, each with its own
    app context, session and connection, and force their claims to overlap: the first
    stops right after its claiming statement (`is_claim`) — on PostgreSQL holding its rows
    locked, on SQLite holding the write lock, uncommitted either way — until the second
    has claimed in full (PostgreSQL; `work` calls `claimed()`) or is queued behind the
    write lock (SQLite)."""
    with app.app_context():
        engine = db.engine
        postgres = engine.dialect.name == "postgresql"
    who = threading.local()  # which claimer this thread is
    first_stopped = threading.Event()  # the first has run its claiming statement
    second_started = threading.Event()  # the second's claim is on its way to the database
    second_claimed = threading.Event()  # the second has committed its whole claim
    gave_up = threading.Event()
    errors: list[BaseException] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if getattr(who, "name", None) == "second" and is_claim(statement, postgres):
            second_started.set()

    def after(conn, cursor, statement, parameters, context, executemany):
        if getattr(who, "name", None) != "first" or first_stopped.is_set():
            return
        if not is_claim(statement, postgres):
            return
        first_stopped.set()
        if postgres:
            # The second must claim in full now, past the first's locks (waiting on them
            # would never end here).
            if not second_claimed.wait(WAIT):
                gave_up.set()
        else:
            # The second's claim has to queue behind the write lock and then see the
            # first's rows as taken.
            if not second_started.wait(WAIT):
                gave_up.set()
            time.sleep(0.2)  # the second is now waiting on the write lock

    def worker(name: str) -> None:
        who.name = name
        try:
            with app.app_context():
                try:
                    if name == "second" and not first_stopped.wait(WAIT):
                        raise AssertionError("the first claimer never reached its claim")
                    work(name, second_claimed.set if name == "second" else lambda: None)
                finally:
                    db.session.remove()
        except BaseException as exc:  # reported from the main thread
            errors.append(exc)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(4 * WAIT)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return Overlap(gave_up.is_set(), errors, any(t.is_alive() for t in threads))


def check_overlap(overlap: Overlap, postgres: bool) -> None:
    assert not overlap.hung, "a claimer hung"
    assert not overlap.gave_up, (
        "the second claimer waited on the rows the first had locked (no SKIP LOCKED?)"
        if postgres
        else "the second claimer never started while the first held its claim"
    )
    assert not overlap.errors, overlap.errors


def test_two_claims_at_once_take_disjoint_rows_and_send_each_once(race_app, smtp_server):
    seed(race_app, 10)
    both_claimed = threading.Barrier(2, timeout=WAIT)  # both hold their rows before either sends
    claims: dict[str, list] = {}
    outcomes = {"first": Outcome(), "second": Outcome()}

    def is_claim(statement: str, postgres: bool) -> bool:
        if postgres:  # the SELECT … FOR UPDATE that picks the rows (not the read-back after)
            return statement.startswith("SELECT reminder.id \nFROM reminder")
        return statement.startswith("UPDATE reminder SET state")  # the one conditional UPDATE

    def work(name: str, claimed) -> None:
        try:
            claims[name] = list(claim(5))
            claimed()
            both_claimed.wait()
            send_batch(claims[name], outcomes[name])
        except BaseException:
            both_claimed.abort()
            raise

    check_overlap(overlapping(race_app, is_claim, work), postgres(race_app))
    first = {r.id for r in claims["first"]}
    second = {r.id for r in claims["second"]}
    assert not first & second, "both claimers took the same reminders"
    assert len(first) == len(second) == 5, "each claimer takes five of the ten due reminders"
    received = delivered(smtp_server)
    rows = outbox(race_app)
    assert max(received.values()) == 1, "a reminder arrived twice"
    assert set(received) == set(rows) and len(rows) == 10
    assert set(rows.values()) == {"sent"}
    assert outcomes["first"].sent == outcomes["second"].sent == 5


def test_two_schedulers_extending_horizons_at_once_take_disjoint_households(race_app):
    now = RACE_START
    with committing(race_app):
        households = [Household(name=f"H{n}") for n in range(10)]
        db.session.add_all(households)
        db.session.flush()
        db.session.add_all(
            ReminderHorizon(household_id=h.id, scheduled_until=now - timedelta(days=1))
            for h in households
        )
        db.session.commit()
    claims: dict[str, list[int]] = {}

    def is_claim(statement: str, _postgres: bool) -> bool:
        return statement.startswith("UPDATE reminder_horizon SET lease_until")

    def work(name: str, claimed) -> None:
        claims[name] = claim_horizons(now, 5)
        claimed()

    check_overlap(overlapping(race_app, is_claim, work), postgres(race_app))
    assert not set(claims["first"]) & set(claims["second"]), "both took the same households"
    assert len(claims["first"]) == len(claims["second"]) == 5
    # Claimed households wait for their holders until the leases run out.
    with race_app.app_context():
        assert claim_horizons(now, 10) == []
        assert len(claim_horizons(now + kinds.LEASE + timedelta(seconds=1), 10)) == 10
        db.session.remove()


def postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_a_claim_whose_lease_ran_out_is_not_sent_by_its_first_holder(race_app, smtp_server):
    with time_machine.travel(RACE_START, tick=True) as traveller:
        seed(race_app, 4)
        with race_app.app_context():
            first = claim(10)
            # The first holder stalls past its lease; a second sender claims the same rows.
            traveller.shift(kinds.LEASE + timedelta(minutes=1))
            second = claim(10)
            assert {r.id for r in second} == {r.id for r in first} and len(first) == 4
            late, current = Outcome(), Outcome()
            send_batch(first, late)  # wakes up: its lease is over, so it sends nothing
            assert not delivered(smtp_server), "a sender whose lease ran out still sent"
            assert late.sent == late.failed == 0
            send_batch(second, current)
            db.session.remove()
    received = delivered(smtp_server)
    assert current.sent == 4 and max(received.values()) == 1
    assert set(received) == set(outbox(race_app))


def test_a_late_holder_leaves_the_new_holders_claim_alone(race_app, smtp_server):
    with time_machine.travel(RACE_START, tick=True) as traveller:
        seed(race_app, 4)
        with race_app.app_context():
            first = claim(10)
            traveller.shift(kinds.LEASE + timedelta(minutes=1))
            second = claim(10)
            send_batch(first, Outcome())
            send_batch(second, Outcome())
            again = claim(10)  # the next tick
            send_batch(again, Outcome())
            db.session.remove()
    assert not again, "reminders already sent were claimed again"
    assert set(outbox(race_app).values()) == {"sent"}
    assert max(delivered(smtp_server).values()) == 1
