"""Demo reminders: a few already sent and one that failed, so the page has a story."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from planner.database import utcnow
from planner.domain.vocabulary import ReminderKind, ReminderState
from planner.i18n import _, _n, in_language
from planner.models import Household, Member
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
        (ReminderKind.PLANNING, first, "demo-1", now - timedelta(days=3, hours=2), _planning),
        (ReminderKind.PLANNING, second, "demo-2", now - timedelta(days=3, hours=2), _planning),
        (ReminderKind.PLAN_SUMMARY, first, "demo-3", now - timedelta(days=3), _agreed),
        (ReminderKind.PLAN_SUMMARY, second, "demo-4", now - timedelta(days=3), _agreed),
        (ReminderKind.SELFCARE, first, "demo-5", now - timedelta(days=1, hours=5), _run),
    ]
    rows = []
    for kind, member, key, due, subject in past:
        values = row_values(kind, member, key, due, _payload(member, subject))
        values.update(state=ReminderState.SENT, attempts=1, sent_at=due + timedelta(seconds=12))
        rows.append(values)
    failed = row_values(
        ReminderKind.SELFCARE,
        second,
        "demo-6",
        now - timedelta(hours=20),
        _payload(second, _reading),
    )
    failed.update(
        state=ReminderState.FAILED, attempts=3, next_attempt_at=None, last_error=_DEMO_ERROR
    )
    rows.append(failed)
    insert_rows(rows)


# Each subject in its recipient's language, as a real reminder's would be.
def _planning() -> str:
    return _("Your planning session is at %(time)s", time="19:00")


def _agreed() -> str:
    return _("Your week is agreed")


def _run() -> str:
    return _n(
        "In %(num)d minute: your time for %(title)s",
        "In %(num)d minutes: your time for %(title)s",
        30,
        title=_("a run"),
    )


def _reading() -> str:
    return _n(
        "In %(num)d minute: your time for %(title)s",
        "In %(num)d minutes: your time for %(title)s",
        30,
        title=_("reading"),
    )


def _payload(member: Member, subject: Callable[[], str]) -> dict:
    with in_language(member.language):
        words = subject()
    return {"to": member.email, "subject": words, "text": words, "headers": {}, "attachments": []}
