"""Reminders follow changes here: other features announce events through planner.events,
and the change tracking (planner.models.changes) notes every household whose scheduled
reminders a write altered.

Everything is written in the caller's transaction and never committed here: a change and
the email it causes are saved together, or — when writing the email fails — neither.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from planner import events
from planner.extensions import db
from planner.models import Household
from planner.models.changes import REMINDERS_FOLLOW
from planner.reminders import outbox


@event.listens_for(Session, "before_commit")
def _follow_changes(session: Session) -> None:
    """Bring the noted households' scheduled reminders up to date, once each, just
    before the transaction that changed them commits."""
    for _ in range(3):  # bringing them up to date notes nothing new; a guard all the same
        session.flush()  # notes what is still pending (the change tracking runs on flush)
        noted = session.info.pop(REMINDERS_FOLLOW, None)
        if not noted or session is not db.session():  # only the app's own session writes
            return
        ids = {h.id if isinstance(h, Household) else h for h in noted}
        for household_id in sorted(i for i in ids if i is not None):
            household = session.get(Household, household_id)
            if household is not None:
                outbox.sync_household(household)


@event.listens_for(Session, "after_transaction_end")
def _forget_notes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint, has ended
        session.info.pop(REMINDERS_FOLLOW, None)


@events.plan_agreed.connect
def _plan_agreed(household, week_plan=None, **_) -> None:
    if week_plan is not None:
        db.session.flush()  # the agreed version is the one the email names
        outbox.queue_plan_summary(household, week_plan)


@events.partner_notice.connect
def _partner_notice(household, notice=None, **_) -> None:
    if notice is not None:
        outbox.queue_partner_notice(notice)
