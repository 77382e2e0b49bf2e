"""Outbox retention: reminders whose moment passed more than REMINDER_RETENTION_DAYS ago
(90 by default) and that are finished (sent, expired, failed for good, cancelled) are
removed by the scheduler, one bounded batch a tick, so the outbox holds about that many
days per household however long the instance runs.

Nothing reads them by then: the reminders page shows three weeks back, a one-click link
stops working at the end of its week, and a scheduled reminder is only ever re-derived a
few days back (outbox._LOOKBACK).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import CursorResult, delete, select

from planner.database import utcnow
from planner.domain.vocabulary import ReminderState
from planner.extensions import db
from planner.models import Reminder

FINISHED = (
    ReminderState.SENT,
    ReminderState.EXPIRED,
    ReminderState.FAILED,
    ReminderState.CANCELLED,
)
PURGE_BATCH = 1_000


def purge_old(now: datetime | None = None, limit: int = PURGE_BATCH) -> int:
    """Remove up to `limit` finished reminders past retention (an index range on state and
    expiry); committed. How many went."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["REMINDER_RETENTION_DAYS"])
    old = (
        select(Reminder.id)
        .where(Reminder.state.in_(FINISHED), Reminder.expires_at < cutoff)
        .limit(limit)
    )
    result = db.session.execute(
        delete(Reminder)
        .where(Reminder.id.in_(old.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    assert isinstance(result, CursorResult)  # what a DELETE gives
    return result.rowcount or 0
