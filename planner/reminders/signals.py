"""Other features announce changes through planner.events; reminders follow them here.

A failure here never breaks the change that was announced: the writes run in a
savepoint, and scheduled reminders are recomputed on every tick anyway.
"""

from __future__ import annotations

from flask import current_app

from planner import events
from planner.extensions import db
from planner.reminders import outbox


def _safely(what: str, write, *args) -> None:
    try:
        with db.session.begin_nested():
            write(*args)
        db.session.commit()  # the senders commit before they announce
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Reminders not updated after %s", what)


@events.selfcare_changed.connect
def _selfcare_changed(household, **_) -> None:
    _safely("a self-care change", outbox.sync_household, household)


@events.plan_agreed.connect
def _plan_agreed(household, week_plan=None, **_) -> None:
    if week_plan is not None:
        _safely("a plan was agreed", outbox.queue_plan_summary, household, week_plan)


@events.handover_requested.connect
def _handover_requested(household, item=None, to_member=None, from_member=None, **_) -> None:
    if item is not None and to_member is not None and from_member is not None:
        _safely(
            "a handover request",
            outbox.queue_handover,
            household,
            item,
            to_member,
            from_member,
        )
