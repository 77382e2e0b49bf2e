"""The product's vocabularies, one enum each, with the words members read.

Stored values are the enum values (lower-case, stable); labels and hints are what pages,
emails, charts and feeds show. Nothing else spells these values.
"""

from __future__ import annotations

from enum import StrEnum


class CheckInState(StrEnum):
    """How a member is this week."""

    OKAY = "okay"
    IN_THE_REEDS = "in_the_reeds"
    BLOWN = "blown"

    @property
    def label(self) -> str:
        return _CHECKIN_LABELS[self]

    @property
    def hint(self) -> str:
        return _CHECKIN_HINTS[self]

    @property
    def default_capacity(self) -> int:
        return _CHECKIN_CAPACITY[self]


# "Room this week" as a short scale people read at a glance: (lowest capacity, words).
ROOM_SCALE = (
    (80, "plenty of room"),
    (55, "some room"),
    (30, "a little room"),
    (1, "very little room"),
)


def room_words(capacity: int) -> str:
    """A member's capacity (0-100) in words: "plenty of room" … "no room this week"."""
    return next((words for floor, words in ROOM_SCALE if capacity >= floor), "no room")


_CHECKIN_LABELS = {
    CheckInState.OKAY: "okay",
    CheckInState.IN_THE_REEDS: "in the reeds",
    CheckInState.BLOWN: "blown",
}
_CHECKIN_HINTS = {
    CheckInState.OKAY: "I can carry my usual share.",
    CheckInState.IN_THE_REEDS: "Close to my limit; I can't catch up.",
    CheckInState.BLOWN: "Completely spent.",
}
_CHECKIN_CAPACITY = {
    CheckInState.OKAY: 100,
    CheckInState.IN_THE_REEDS: 60,
    CheckInState.BLOWN: 25,
}


class Kindness(StrEnum):
    """What the couple chooses for one item in a hard week (None = as usual)."""

    DEFER = "defer"
    LOWER_STANDARD = "lower_standard"
    OUTSOURCE = "outsource"
    DROP = "drop"

    @property
    def label(self) -> str:
        """The choice, as offered on the kindness step."""
        return _KINDNESS_LABELS[self]

    @property
    def this_week(self) -> str:
        """What it means for the item this week, as the week page and emails say it."""
        return _KINDNESS_THIS_WEEK[self]

    @property
    def takes_load(self) -> bool:
        """Whether the item still counts as load (and stays in calendars) this week."""
        return self not in (Kindness.DEFER, Kindness.DROP)


def takes_place(kindness: str | None) -> bool:
    """Whether an item happens this week (as usual, or simpler, or by outside help)."""
    return kindness is None or Kindness(kindness).takes_load


_KINDNESS_LABELS = {
    Kindness.DEFER: "Wait until next week",
    Kindness.LOWER_STANDARD: "Simpler standard",
    Kindness.OUTSOURCE: "Outside help",
    Kindness.DROP: "Let it go this week",
}
_KINDNESS_THIS_WEEK = {
    Kindness.DEFER: "waits until next week",
    Kindness.LOWER_STANDARD: "a simpler standard this week",
    Kindness.OUTSOURCE: "outside help this week",
    Kindness.DROP: "let go this week",
}


class PlanState(StrEnum):
    """A week plan is a draft until every member agrees it."""

    DRAFT = "draft"
    AGREED = "agreed"


class OccurrenceState(StrEnum):
    """One day of a plan item."""

    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


class SelfCareStatus(StrEnum):
    """One week of a self-care slot, as planned ahead."""

    PLANNED = "planned"
    MOVED = "moved"
    SKIPPED_AHEAD = "skipped"  # said beforehand: not this week (stored as "skipped")

    @property
    def label(self) -> str:
        return {"planned": "planned", "moved": "moved", "skipped": "skipped this week"}[self]


class SelfCareOutcome(StrEnum):
    """What happened once a self-care slot's time came."""

    KEPT = "kept"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return {"kept": "kept", "missed": "had to skip"}[self]


class ReminderKind(StrEnum):
    SELFCARE = "selfcare"
    PLANNING = "planning"
    PLAN_SUMMARY = "plan_summary"
    HANDOVER = "handover"  # an offer, a request or its answer between partners
    MIDWEEK = "midweek"  # a partner checked in again during the week
    WELCOME = "welcome"  # a restored household's member: choose a password (email only)


class ReminderChannel(StrEnum):
    """How a reminder or notice reaches a member: an email, or a notification on the
    devices where they turned notifications on (Web Push)."""

    EMAIL = "email"
    PUSH = "push"

    @property
    def label(self) -> str:
        return {"email": "Email", "push": "Phone notification"}[self]


class ReminderState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class TokenScope(StrEnum):
    """What an API token may do: read, or read and change."""

    READ = "read"
    READ_WRITE = "read-write"

    @property
    def label(self) -> str:
        return {"read": "Read only", "read-write": "Read and change"}[self]
