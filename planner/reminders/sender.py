"""Sending what is due: claim rows with a lease, send over one SMTP connection (phone
notifications: to each of the member's devices, push_sender.py), record.

Claims are atomic — `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, one conditional
UPDATE on SQLite — so any number of schedulers can run. A row held by a process that
died is claimed again once its lease has run out, and is then sent with the same
Message-ID. Each outcome is committed straight after its message, so only a message
already handed to SMTP can ever be sent twice. A message that cannot be built or sent
(a refused or unwritable address, a corrupt row) fails alone; only a broken connection
hands the rest of the batch back.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Row,
    Text,
    and_,
    bindparam,
    cast,
    or_,
    select,
    update,
)

from planner import mail
from planner.database import utcnow
from planner.domain.vocabulary import ReminderChannel, ReminderState
from planner.extensions import db
from planner.models import Reminder
from planner.reminders import kinds

_WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    expired: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, failed {self.failed}, expired {self.expired}"


def _setting(name: str, default: timedelta) -> timedelta:
    value = current_app.config.get(f"REMINDER_{name}_SECONDS")
    return timedelta(seconds=float(value)) if value is not None else default


def _claimable(now: datetime):
    return and_(
        Reminder.expires_at > now,
        or_(
            and_(
                Reminder.state.in_((ReminderState.PENDING, ReminderState.FAILED)),
                Reminder.next_attempt_at <= now,
            ),
            and_(Reminder.state == ReminderState.SENDING, Reminder.lease_until < now),
        ),
    )


def expire_overdue(now: datetime | None = None) -> int:
    """Reminders whose moment has passed by more than their grace: expired, never sent late."""
    now = now or utcnow()
    result = db.session.execute(
        update(Reminder)
        .where(
            Reminder.expires_at <= now,
            or_(
                Reminder.state == ReminderState.PENDING,
                and_(Reminder.state == ReminderState.FAILED, Reminder.next_attempt_at.is_not(None)),
                and_(Reminder.state == ReminderState.SENDING, Reminder.lease_until < now),
            ),
        )
        .values(state=ReminderState.EXPIRED, next_attempt_at=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    assert isinstance(result, CursorResult)  # what an UPDATE gives
    return result.rowcount or 0


def claim(
    limit: int, now: datetime | None = None, channel: ReminderChannel = ReminderChannel.EMAIL
) -> Sequence[Row[*tuple[Any, ...]]]:
    """Take up to `limit` due rows of one channel for this process; nobody else gets them
    until the lease ends."""
    now = now or utcnow()
    due_now = and_(_claimable(now), Reminder.channel == channel)
    token = f"{_WORKER}:{uuid.uuid4().hex[:8]}"
    lease_until = now + _setting("LEASE", kinds.LEASE)
    claimed = and_(Reminder.state == ReminderState.SENDING, Reminder.claimed_by == token)
    target: ColumnElement[bool]
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(
            select(Reminder.id)
            .where(due_now)
            .order_by(Reminder.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        target = Reminder.id.in_(ids)
    else:
        # One statement: SQLite picks and claims under its write lock, so two claims never
        # take the same rows (picking first and claiming after would: test_claim_race).
        due = select(Reminder.id).where(due_now).order_by(Reminder.due_at).limit(limit)
        target = Reminder.id.in_(due.scalar_subquery())
    db.session.execute(
        update(Reminder)
        .where(target)
        .values(state=ReminderState.SENDING, lease_until=lease_until, claimed_by=token)
        .execution_options(synchronize_session=False)
    )
    rows = db.session.execute(
        select(
            Reminder.id,
            # As text, parsed per row in _send: one unreadable payload fails alone.
            cast(Reminder.payload, Text).label("payload"),
            Reminder.message_id,
            Reminder.expires_at,
            Reminder.attempts,
            Reminder.lease_until,
            Reminder.claimed_by,
            Reminder.member_id,
            Reminder.pushed_to,
        )
        .where(claimed)
        .order_by(Reminder.due_at)
    ).all()
    db.session.commit()
    return rows


def _attachments(payload: dict) -> list[mail.Attachment]:
    return [
        mail.Attachment(a["filename"], base64.b64decode(a["content"]), a["mimetype"])
        for a in payload.get("attachments", ())
    ]


def _send(row, connection) -> None:
    p = json.loads(row.payload)
    if "mime" in p:  # built when the row was written (outbox.prepared)
        mail.send_prepared(p["to"], p["mime"].encode("utf-8"), connection)
        return
    mail.send(
        p["to"],
        p["subject"],
        p["text"],
        html=p.get("html"),
        attachments=_attachments(p),
        headers=p.get("headers"),
        message_id=row.message_id,
        connection=connection,
    )


# The reminder Table itself (the model's `__table__` is typed as any FromClause).
_TABLE = Reminder.metadata.tables[Reminder.__tablename__]
# The hot path, built once: one UPDATE per sent message. Every write after the claim
# names the claim it belongs to: a holder whose lease ran out never touches the rows
# someone else has claimed since (nor marks their sends, nor hands them back).
_MARK_SENT = (
    _TABLE.update()
    .where(
        _TABLE.c.id == bindparam("row_id"),
        _TABLE.c.state == ReminderState.SENDING,
        _TABLE.c.claimed_by == bindparam("claim"),
    )
    .values(
        state=ReminderState.SENT,
        lease_until=None,
        sent_at=bindparam("now"),
        updated_at=bindparam("now"),
        attempts=bindparam("attempts"),
    )
)


def _sent(row) -> None:
    """Committed straight away: after a crash only this one message could go out again."""
    now = utcnow()
    db.session.connection().execute(
        _MARK_SENT,
        {"row_id": row.id, "claim": row.claimed_by, "now": now, "attempts": row.attempts + 1},
    )
    db.session.commit()


def _record(row, **values) -> None:
    """What became of a row we hold, its lease ended."""
    update_held(row, lease_until=None, updated_at=utcnow(), **values)


def update_held(row, **values) -> None:
    """Write to a row only while this sender still holds it, and commit at once."""
    db.session.connection().execute(
        _TABLE.update()
        .where(
            _TABLE.c.id == row.id,
            _TABLE.c.state == ReminderState.SENDING,
            _TABLE.c.claimed_by == row.claimed_by,
        )
        .values(**values)
    )
    db.session.commit()


def _failed(row, error: str, now: datetime, final: bool = False) -> None:
    attempts = row.attempts + 1
    give_up = final or attempts >= kinds.MAX_ATTEMPTS
    retry = None if give_up else now + kinds.retry_delay(attempts)
    _record(
        row,
        state=ReminderState.FAILED,
        attempts=attempts,
        next_attempt_at=retry,
        last_error=error[:1000],
    )


def _release(rows) -> None:
    """Give claimed rows back untried (the connection broke before their turn)."""
    if rows:
        db.session.execute(
            update(Reminder)
            .where(
                Reminder.id.in_([r.id for r in rows]),
                Reminder.state == ReminderState.SENDING,
                Reminder.claimed_by == rows[0].claimed_by,  # one claim per batch
            )
            .values(state=ReminderState.PENDING, lease_until=None, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def in_time(rows, outcome: Outcome) -> Iterator[tuple[int, Reminder, datetime]]:
    """The claimed rows still worth sending, with their index and the moment: an expired
    row is recorded and skipped; when our lease is running out the rest go back for
    others to take, and the batch ends."""
    for index, row in enumerate(rows):
        now = utcnow()
        if now >= row.lease_until - timedelta(seconds=5):
            _release(rows[index:])
            return
        if now >= row.expires_at:
            _record(row, state=ReminderState.EXPIRED, next_attempt_at=None)
            outcome.expired += 1
            continue
        yield index, row, now


def send_batch(rows, outcome: Outcome) -> bool:
    """Send claimed rows over one connection; False when SMTP is unreachable or broke."""
    try:
        with mail.connection() as connection:
            for index, row, now in in_time(rows, outcome):
                try:
                    _send(row, connection)
                except mail.MessageError as exc:  # this message only: the connection is fine
                    _failed(row, str(exc), now)
                    outcome.failed += 1
                    continue
                except mail.MailError as exc:  # the connection broke: the rest wait untried
                    _failed(row, str(exc), now)
                    outcome.failed += 1
                    _release(rows[index + 1 :])
                    return False
                except Exception as exc:  # a poison message (say a corrupt row): it fails alone
                    current_app.logger.exception("Reminder %s cannot be sent", row.id)
                    error = f"This email could not be built: {type(exc).__name__}: {exc}"
                    _failed(row, error, now, final=True)  # trying again cannot help
                    outcome.failed += 1
                    continue
                _sent(row)
                outcome.sent += 1
    except mail.MailError as exc:  # could not connect at all: every claimed row tried and failed
        now = utcnow()
        for row in rows:
            _failed(row, str(exc), now)
        outcome.failed += len(rows)
        return False
    return True


def send_due(limit: int | None = None) -> Outcome:
    """Send everything due now (for cron and each scheduler tick); returns the counts.

    Notifications first, then emails: each channel is claimed on its own, so one that is
    down (SMTP, a push service) never holds up the other."""
    from planner.reminders.push_sender import send_push_batch  # it builds on this module

    outcome = Outcome()
    outcome.expired += expire_overdue()
    batch = int(current_app.config.get("REMINDER_BATCH_SIZE", kinds.BATCH_SIZE))
    started = time.monotonic()
    for channel, send in (
        (ReminderChannel.PUSH, send_push_batch),
        (ReminderChannel.EMAIL, send_batch),
    ):
        while limit is None or outcome.sent + outcome.failed < limit:
            rows = claim(batch, channel=channel)
            if not rows:
                break
            if not send(rows, outcome):
                break
            if time.monotonic() - started > 600:
                return outcome  # leave the rest to the next tick
    return outcome
