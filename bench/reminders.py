"""Reminder benchmark: `.venv/bin/python bench/reminders.py` (about a minute).

10,000 self-care reminders fall due at once in a temporary SQLite database and are
delivered to a local aiosmtpd server (its own process). Printed, all from the same run:

- reminders/s through `send_due()` (claim, lease, build, send, record) ÷ plain
  `smtplib` sends/s of the same, already built messages over one connection to the
  same server (the ceiling; target ≥ 0.5);
- two `flask planner send-due` processes at once on a fresh 10,000: duplicates (must be
  0) and missing ones, counted by Message-ID at the SMTP server.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import smtplib
import socket
import subprocess
import sys
import tempfile
import time as clock
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNT = 10_000
ROUNDS = 5
SECRET = secrets.token_hex(32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, out: str, stop, ready) -> None:
    """The SMTP server process: keeps each Message-ID, writes them out when stopped."""
    from email.parser import BytesHeaderParser

    from aiosmtpd.controller import Controller

    ids: list[str] = []
    parser = BytesHeaderParser()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            ids.append(parser.parsebytes(envelope.content)["Message-ID"].strip())
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    Path(out).write_text("\n".join(ids))


class Server:
    def __init__(self, folder: Path, name: str):
        ctx = multiprocessing.get_context("spawn")
        self.port, self.out = free_port(), str(folder / f"{name}.ids")
        self.stop_event, ready = ctx.Event(), ctx.Event()
        self.process = ctx.Process(
            target=_serve, args=(self.port, self.out, self.stop_event, ready)
        )
        self.process.start()
        ready.wait(30)

    def stop(self) -> list[str]:
        self.stop_event.set()
        self.process.join(30)
        text = Path(self.out).read_text()
        return text.split("\n") if text else []


def make_app(db_url: str, port: int, folder: Path):
    from planner import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": db_url,
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": port,
            "PLANNER_SCHEDULER": "off",
            "PLANNER_BASE_URL": "http://planner.test",
            "MAIL_FILE_DIR": str(folder / "mail"),
        }
    )


def real_payload() -> dict:
    """A genuine self-care reminder (text, HTML, .ics, links), rendered once."""
    from planner.extensions import db
    from planner.models import Household, Member, SelfCareSlot
    from planner.reminders import emails
    from planner.reminders.schedule import occurrences

    household = Household(name="Bench")
    db.session.add(household)
    members = [
        Member(
            household=household, display_name=n, email=f"{n.lower()}@example.com", password_hash="x"
        )
        for n in ("Alex", "Sam")
    ]
    db.session.add_all(members)
    db.session.flush()
    start = (datetime.now(UTC) + timedelta(minutes=20)).astimezone(household.tz)
    db.session.add(
        SelfCareSlot(
            household_id=household.id,
            member_id=members[0].id,
            title="Morning run",
            weekday=start.weekday(),
            start_time=start.time().replace(second=0, microsecond=0),
            minutes=60,
            created_at=datetime(2020, 1, 1, tzinfo=UTC),
        )
    )
    db.session.flush()
    now = datetime.now(UTC)
    (occ,) = [
        o
        for o in occurrences(household, now - timedelta(hours=1), now + timedelta(hours=1))
        if o.kind == "selfcare"
    ]
    payload = emails.selfcare_payload(household, occ, now)
    for member in members:  # only the bench rows below are due
        member.selfcare_reminder_minutes = member.planning_reminder_minutes = None
    db.session.commit()
    return payload


def seed(prefix: str, payload: dict) -> list[str]:
    """COUNT rows as the outbox writes them; the message is built once per member and
    copied with a fresh Message-ID (building 10,000 alike would only slow the set-up)."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Member
    from planner.reminders.outbox import insert_rows, new_message_id, row_values

    members = db.session.scalars(select(Member)).all()
    due = datetime.now(UTC) - timedelta(minutes=1)
    built = [row_values("selfcare", m, "", due, {**payload, "to": m.email}) for m in members]
    rows = []
    for i in range(COUNT):
        template = built[i % len(built)]
        message_id = new_message_id("selfcare")
        mime = template["payload"]["mime"].replace(template["message_id"], message_id)
        rows.append(
            {
                **template,
                "occurrence_key": f"{prefix}{i}",
                "message_id": message_id,
                "payload": {**template["payload"], "mime": mime},
            }
        )
    insert_rows(rows)
    db.session.commit()
    return [r["message_id"] for r in rows]


def load_messages(expected: list[str]) -> list[tuple[str, bytes]]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Reminder

    payloads = db.session.scalars(
        select(Reminder.payload).where(Reminder.message_id.in_(expected))
    ).all()
    date = b"Date: Sat, 21 Nov 2026 08:00:00 +0000\r\n"
    return [(p["to"], date + p["mime"].encode()) for p in payloads]


def ceiling(messages: list[tuple[str, bytes]], port: int, nodelay: bool = False) -> float:
    """Plain smtplib over one connection: the same messages, as the same bytes; seconds.

    With `nodelay`, the socket option the app's sender sets too (a tighter ceiling)."""
    started = clock.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        if nodelay:
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for to, data in messages:
            smtp.sendmail("planner@localhost", [to], data)
    return clock.perf_counter() - started


def two_schedulers(db_url: str, port: int) -> float:
    env = {
        **os.environ,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": db_url,
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "PLANNER_SCHEDULER": "off",
        "PLANNER_BASE_URL": "http://planner.test",
    }
    flask = str(ROOT / ".venv" / "bin" / "flask")
    started = clock.perf_counter()
    procs = [
        subprocess.Popen([flask, "--app", "wsgi", "planner", "send-due"], cwd=ROOT, env=env)
        for _ in range(2)
    ]
    for proc in procs:
        proc.wait()
    return clock.perf_counter() - started


def main() -> None:
    from planner.extensions import db
    from planner.reminders.sender import send_due

    folder = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    db_url = f"sqlite:///{folder / 'bench.sqlite3'}"

    app = make_app(db_url, 25, folder)
    with app.app_context():
        db.create_all()
        payload = real_payload()
        expected = seed("one", payload)
        print(
            f"{COUNT} self-care reminders due at once, each {len(payload['text']) + len(payload['html'])} chars of text and HTML, .ics attached"
        )
        messages = load_messages(expected)
        # Shared machines are noisy: alternate ceiling and reminders in rounds on one server.
        server = Server(folder, "single")
        app.config["SMTP_PORT"] = server.port
        ceiling_seconds = nodelay_seconds = reminder_seconds = 0.0
        sent = 0
        step = COUNT // ROUNDS
        for start in range(0, COUNT, step):
            ceiling_seconds += ceiling(messages[start : start + step], server.port)
            nodelay_seconds += ceiling(messages[start : start + step], server.port, nodelay=True)
            started = clock.perf_counter()
            sent += send_due(limit=step).sent
            reminder_seconds += clock.perf_counter() - started
        db.session.remove()
    received = Counter(server.stop())
    # Each Message-ID three times: twice from the ceilings, once from the reminders.
    assert sent == COUNT and received == Counter(expected * 3), sent
    smtplib_rate, reminder_rate = COUNT / ceiling_seconds, COUNT / reminder_seconds
    nodelay_rate = COUNT / nodelay_seconds

    server = Server(folder, "pair")
    with app.app_context():
        expected = seed("two", payload)
        db.session.remove()
    seconds = two_schedulers(db_url, server.port)
    received = Counter(server.stop())
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    missing = len(set(expected) - set(received))

    print(f"plain smtplib, one connection (ceiling): {smtplib_rate:8.0f} sends/s")
    print(f"smtplib + TCP_NODELAY (tighter ceiling): {nodelay_rate:8.0f} sends/s")
    print(f"send_due(), one scheduler:               {reminder_rate:8.0f} reminders/s")
    print(
        f"ratio reminders/s ÷ smtplib sends/s:     {reminder_rate / smtplib_rate:8.2f}  (target ≥ 0.5)"
    )
    print(f"ratio reminders/s ÷ smtplib+NODELAY/s:   {reminder_rate / nodelay_rate:8.2f}")
    print(
        f"two schedulers at once: {COUNT} reminders in {seconds:.1f} s "
        f"({COUNT / seconds:.0f}/s incl. start-up), duplicates {duplicates} (must be 0), missing {missing}"
    )


if __name__ == "__main__":
    main()
