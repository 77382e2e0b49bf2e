"""Demo reminders: a few already sent and one that failed, so the page has a story."""

from __future__ import annotations

from datetime import timedelta

from planner.database import utcnow
from planner.domain.vocabulary import ReminderKind, ReminderState
from planner.models import Household
from planner.reminders.outbox import insert_rows, row_values

_DEMO_ERROR = "SMTP smtp.example.org:587: (421, b'4.7.0 Try again later, closing connection.')"


def add_demo_reminders(household: Household) -> None:
    """Idempotent: fixed occurrence keys, so a second run inserts nothing."""
    members = household.members
    if not members:
        return
    now = utcnow().replace(second=0, microsecond=0)
    first, second = members[0], members[-1]
    past = [
        (
            ReminderKind.PLANNING,
            first,
            "demo-1",
            now - timedelta(days=3, hours=2),
            "Your planning session is at 19:00",
        ),
        (
            ReminderKind.PLANNING,
            second,
            "demo-2",
            now - timedelta(days=3, hours=2),
            "Your planning session is at 19:00",
        ),
        (
            ReminderKind.PLAN_SUMMARY,
            first,
            "demo-3",
            now - timedelta(days=3),
            "Your week is agreed",
        ),
        (
            ReminderKind.PLAN_SUMMARY,
            second,
            "demo-4",
            now - timedelta(days=3),
            "Your week is agreed",
        ),
        (
            ReminderKind.SELFCARE,
            first,
            "demo-5",
            now - timedelta(days=1, hours=5),
            "In 30 minutes: your time for a run",
        ),
    ]
    rows = []
    for kind, member, key, due, subject in past:
        values = row_values(kind, member, key, due, _payload(member.email, subject))
        values.update(state=ReminderState.SENT, attempts=1, sent_at=due + timedelta(seconds=12))
        rows.append(values)
    failed = row_values(
        ReminderKind.SELFCARE,
        second,
        "demo-6",
        now - timedelta(hours=20),
        _payload(second.email, "In 30 minutes: your time for reading"),
    )
    failed.update(
        state=ReminderState.FAILED, attempts=3, next_attempt_at=None, last_error=_DEMO_ERROR
    )
    rows.append(failed)
    insert_rows(rows)


def _payload(to: str, subject: str) -> dict:
    return {"to": to, "subject": subject, "text": subject, "headers": {}, "attachments": []}
