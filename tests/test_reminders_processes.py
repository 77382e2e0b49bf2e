"""Real scheduler processes (`flask planner send-due`) on one database and a real SMTP
server: exactly once with two at a time, nothing lost after SIGKILL, SMTP outages."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from sqlalchemy import select, update

from planner import create_app
from planner.extensions import db
from planner.models import Household, Member, Reminder
from planner.reminders.outbox import insert_rows, row_values
from tests.conftest import TEST_SECRET, app_settings, free_port, frozen_now, own_database
from tests.helpers import committing

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))
# `flask …` at a given moment: under PLANNER_TEST_NOW the test's clock is not the wall
# clock, so a scheduler process starts at the test's "now" too (and time moves on there).
_FLASK_AT = (
    "import sys, time_machine; from datetime import datetime; from flask.cli import main; "
    "time_machine.travel(datetime.fromisoformat(sys.argv.pop(1)), tick=True).start(); main()"
)


class Inbox:
    """An aiosmtpd server that records the Message-ID of everything it accepts."""

    def __init__(self, delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.ids: list[str] = []
        self.lock = threading.Lock()
        self.delay = delay
        self.port = free_port()
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if inbox.delay:
                    await asyncio.sleep(inbox.delay)
                headers = BytesHeaderParser().parsebytes(envelope.content)
                with inbox.lock:
                    inbox.ids.append(headers["Message-ID"].strip())
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> Inbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.ids)


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox_db(request, tmp_path_factory):
    """A fresh database of its own (PostgreSQL only when PLANNER_TEST_PG_URL is set)."""
    url, drop = own_database(request.param, tmp_path_factory, "outbox")
    app = create_app(app_settings(url, tmp_path_factory.mktemp("outbox_app")))
    with committing(app):
        db.create_all()
    yield url, app
    with committing(app):
        db.session.remove()
        db.engine.dispose()
    drop()


def seed(app, count: int, due_minutes_ago: float = 1, kind: str = "planning", prefix: str = "r"):
    """`count` reminders due a little while ago (a plain household: no calendar reminders)."""
    with committing(app):
        household = db.session.scalar(select(Household)) or Household(name="Load")
        if household.id is None:
            db.session.add(household)
            members = [
                Member(
                    household=household,
                    display_name=f"M{n}",
                    email=f"m{n}@example.com",
                    password_hash="x",
                )
                for n in range(2)
            ]
            db.session.add_all(members)
            db.session.flush()
            for member in members:  # no calendar reminders here: only the seeded ones are due
                member.selfcare_reminder_minutes = member.planning_reminder_minutes = None
            db.session.commit()
        due = datetime.now(UTC) - timedelta(minutes=due_minutes_ago)
        rows = []
        for i in range(count):
            member = household.members[i % 2]
            payload = {
                "to": member.email,
                "subject": f"Reminder {prefix}{i}",
                "text": "Your planning session is at 19:00.",
                "html": "<p>Your planning session is at 19:00.</p>",
                "headers": {"List-Unsubscribe": "<http://planner.test/reminders/preferences>"},
                "attachments": [],
            }
            rows.append(row_values(kind, member, f"{prefix}{i}", due, payload))
        insert_rows(rows)
        db.session.commit()


def send_due(url: str, port: int, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": url,
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_TIMEOUT": "5",
        "PLANNER_SCHEDULER": "off",
        "PLANNER_BASE_URL": "http://planner.test",
        **settings,
    }
    command = ["--app", "wsgi", "planner", "send-due"]
    if frozen_now() is None:
        command = [FLASK, *command]
    else:
        command = [sys.executable, "-c", _FLASK_AT, datetime.now(UTC).isoformat(), *command]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(*procs: subprocess.Popen) -> list[str]:
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        outputs.append(out)
    return outputs


def rows(app) -> dict[str, tuple[str, str | None]]:
    with committing(app):
        result = db.session.execute(
            select(Reminder.message_id, Reminder.state, Reminder.last_error)
        ).all()
        db.session.remove()
    return {r.message_id: (r.state, r.last_error) for r in result}


def test_two_schedulers_send_each_reminder_exactly_once(outbox_db):
    url, app = outbox_db
    seed(app, 300)
    inbox = Inbox().start()
    try:
        finish(send_due(url, inbox.port), send_due(url, inbox.port))
    finally:
        inbox.stop()
    outbox = rows(app)
    received = Counter(inbox.ids)
    assert set(received) == set(outbox) and len(outbox) == 300
    assert max(received.values()) == 1, "a reminder arrived twice"
    assert {state for state, _ in outbox.values()} == {"sent"}


def test_killed_scheduler_loses_nothing(outbox_db):
    url, app = outbox_db
    seed(app, 250)
    inbox = Inbox(delay=0.01).start()
    try:
        proc = send_due(url, inbox.port)
        deadline = time.monotonic() + 30
        while inbox.count() < 40 and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.kill()  # SIGKILL, mid-batch
        proc.wait()
        handed_over = set(inbox.ids)
        at_kill = rows(app)
        assert 40 <= len(handed_over) < 250
        assert any(state in ("sending", "pending") for state, _ in at_kill.values())
        # Its lease runs out (five minutes in real life); then another scheduler takes over.
        with committing(app):
            db.session.execute(
                update(Reminder)
                .where(Reminder.state == "sending")
                .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
            )
            db.session.commit()
        finish(send_due(url, inbox.port))
    finally:
        inbox.stop()
    outbox = rows(app)
    received = Counter(inbox.ids)
    assert set(received) == set(outbox), "a reminder was lost"
    assert {state for state, _ in outbox.values()} == {"sent"}
    resent = {mid for mid, n in received.items() if n > 1}
    # Only a message already handed to SMTP, still marked as being sent, may come again —
    # with its own Message-ID; one connection means at most one such message.
    assert resent <= handed_over
    assert all(at_kill[mid][0] == "sending" for mid in resent)
    assert len(resent) <= 1 and max(received.values()) <= 2


def test_smtp_down_then_back_sends_what_is_still_in_grace(outbox_db):
    url, app = outbox_db
    seed(app, 20, due_minutes_ago=1, prefix="fresh")  # planning grace: 45 minutes
    seed(app, 10, due_minutes_ago=40, prefix="late")
    seed(app, 5, due_minutes_ago=-120, prefix="future")
    down = free_port()
    out = finish(send_due(url, down))[0]
    assert "failed 30" in out, out
    outbox = rows(app)
    failed = [e for s, e in outbox.values() if s == "failed"]
    assert len(failed) == 30 and all("Connection refused" in e for e in failed)
    # Ten minutes pass: the back-off is over, the "late" ones are past their grace window.
    with committing(app):
        shift = timedelta(minutes=10)
        for row in db.session.scalars(select(Reminder)):
            row.due_at, row.expires_at = row.due_at - shift, row.expires_at - shift
            row.next_attempt_at = row.next_attempt_at and row.next_attempt_at - shift
        db.session.commit()
    inbox = Inbox().start()
    try:
        out = finish(send_due(url, inbox.port))[0]
    finally:
        inbox.stop()
    outbox = rows(app)
    with committing(app):
        by_key = dict(db.session.execute(select(Reminder.occurrence_key, Reminder.state)).all())
    assert {k for k, s in by_key.items() if s == "sent"} == {f"fresh{i}" for i in range(20)}
    assert {k for k, s in by_key.items() if s == "expired"} == {f"late{i}" for i in range(10)}
    assert {k for k, s in by_key.items() if s == "pending"} == {f"future{i}" for i in range(5)}
    assert all("Connection refused" in e for s, e in outbox.values() if s == "expired")
    assert sorted(inbox.ids) == sorted(m for m, (s, _) in outbox.items() if s == "sent")
