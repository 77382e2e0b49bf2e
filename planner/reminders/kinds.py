"""The kinds of reminder email and how long each stays worth sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from planner.domain.vocabulary import ReminderKind, ReminderState
from planner.i18n import _l


@dataclass(frozen=True)
class Kind:
    label: str  # lazy (planner.i18n._l): read in the language of the page or email showing it
    # Past due_at + grace the moment has passed: the email is marked expired, never sent late.
    grace: timedelta


KINDS = {
    ReminderKind.SELFCARE: Kind(_l("Self-care reminder"), timedelta(minutes=25)),
    ReminderKind.PLANNING: Kind(_l("Planning session reminder"), timedelta(minutes=45)),
    ReminderKind.PLAN_SUMMARY: Kind(_l("Agreed week plan"), timedelta(hours=24)),
    ReminderKind.HANDOVER: Kind(_l("Offer or request from your partner"), timedelta(hours=24)),
    ReminderKind.MIDWEEK: Kind(_l("Partner's mid-week check-in"), timedelta(hours=24)),
    # Not on the channels page: it carries a sign-in link, so it only ever goes by email.
    ReminderKind.WELCOME: Kind(_l("Choose your password"), timedelta(hours=24)),
}
# Kinds made from the calendar (re-derived when it changes and as the horizon moves on)
# rather than from one event.
SCHEDULED_KINDS = (ReminderKind.SELFCARE, ReminderKind.PLANNING)

# Lead-time choices offered on the preferences page (minutes; None = off).
SELFCARE_LEAD_CHOICES = (None, 10, 15, 30, 60, 120)
PLANNING_LEAD_CHOICES = (None, 15, 30, 60, 120, 180)

# How far ahead scheduled reminders are written to the outbox.
HORIZON = timedelta(days=8)
# The scheduler writes a household's reminders a HORIZON ahead again once fewer than RENEW
# are written (so about once a day), claiming HORIZON_BATCH households at a time, for at
# most HORIZON_SECONDS a tick (a first writing builds every email: ~35 ms a household).
RENEW = timedelta(days=7)
HORIZON_BATCH = 50
HORIZON_SECONDS = 5.0
# Retries after an SMTP failure: 30 s, 1 min, 2 min, … up to 30 min apart.
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(minutes=30)
MAX_ATTEMPTS = 12
# A claimed row belongs to its scheduler this long; then another may take it over.
LEASE = timedelta(minutes=5)
BATCH_SIZE = 100


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the given number of failed attempts (1, 2, …)."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def label(kind: ReminderKind) -> str:
    return str(KINDS[kind].label) if kind in KINDS else kind


# A reminder's state as the reminders page shows it.
STATE_LABELS = {
    ReminderState.PENDING: _l("pending"),
    ReminderState.SENDING: _l("sending"),
    ReminderState.SENT: _l("sent"),
    ReminderState.FAILED: _l("failed"),
    ReminderState.EXPIRED: _l("expired"),
    ReminderState.CANCELLED: _l("cancelled"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS[ReminderState(state)]) if state in STATE_LABELS else state
