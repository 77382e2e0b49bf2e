"""Other features announce changes through planner.events; reminders follow them here.

Receivers write outbox rows in the caller's transaction and never commit: a change and
the email it causes are saved together, or — when writing the email fails — neither.
"""

from __future__ import annotations

from planner import events
from planner.extensions import db
from planner.reminders import outbox


@events.selfcare_changed.connect
def _selfcare_changed(household, **_) -> None:
    outbox.sync_household(household)


@events.plan_agreed.connect
def _plan_agreed(household, week_plan=None, **_) -> None:
    if week_plan is not None:
        db.session.flush()  # the agreed version is the one the email names
        outbox.queue_plan_summary(household, week_plan)


@events.partner_notice.connect
def _partner_notice(household, notice=None, **_) -> None:
    if notice is not None:
        outbox.queue_partner_notice(notice)
