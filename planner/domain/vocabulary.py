"""The product's vocabularies, one enum each, with the words members read.

Stored values are the enum values (lower-case, stable); labels and hints are what pages,
emails, charts and feeds show. Nothing else spells these values.
"""

from __future__ import annotations

from enum import StrEnum

from planner.i18n import _l


class CheckInState(StrEnum):
    """How a member is this week."""

    OKAY = "okay"
    IN_THE_REEDS = "in_the_reeds"
    BLOWN = "blown"

    @property
    def label(self) -> str:
        return str(_CHECKIN_LABELS[self])

    @property
    def hint(self) -> str:
        return str(_CHECKIN_HINTS[self])

    @property
    def default_capacity(self) -> int:
        return _CHECKIN_CAPACITY[self]


# "Room this week" as a short scale people read at a glance: (lowest capacity, words),
# translated when read (room_words).
ROOM_SCALE = (
    (80, _l("plenty of room")),
    (55, _l("some room")),
    (30, _l("a little room")),
    (1, _l("very little room")),
)
_NO_ROOM = _l("no room")


def room_words(capacity: int) -> str:
    """A member's capacity (0-100) in words: "plenty of room" … "no room", in the current
    language."""
    return str(next((words for floor, words in ROOM_SCALE if capacity >= floor), _NO_ROOM))


# Labels and hints are lazy: each is translated when read, in the reader's language.
_CHECKIN_LABELS = {
    CheckInState.OKAY: _l("okay"),
    CheckInState.IN_THE_REEDS: _l("in the reeds"),
    CheckInState.BLOWN: _l("blown"),
}
_CHECKIN_HINTS = {
    CheckInState.OKAY: _l("I can carry my usual share."),
    CheckInState.IN_THE_REEDS: _l("Close to my limit; I can't catch up."),
    CheckInState.BLOWN: _l("Completely spent."),
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
        return str(_KINDNESS_LABELS[self])

    @property
    def in_calendar(self) -> str:
        """The choice after an event's title in a calendar ("Laundry · outside help"),
        written as the language writes it mid-sentence (German keeps its nouns' capitals)."""
        return str(_KINDNESS_IN_CALENDAR[self])

    @property
    def this_week(self) -> str:
        """What it means for the item this week, as the week page and emails say it."""
        return str(_KINDNESS_THIS_WEEK[self])

    @property
    def takes_load(self) -> bool:
        """Whether the item still counts as load (and stays in calendars) this week."""
        return self not in (Kindness.DEFER, Kindness.DROP)


def takes_place(kindness: str | None) -> bool:
    """Whether an item happens this week (as usual, or simpler, or by outside help)."""
    return kindness is None or Kindness(kindness).takes_load


_KINDNESS_LABELS = {
    Kindness.DEFER: _l("Wait until next week"),
    Kindness.LOWER_STANDARD: _l("Simpler standard"),
    Kindness.OUTSOURCE: _l("Outside help"),
    Kindness.DROP: _l("Let it go this week"),
}
_KINDNESS_IN_CALENDAR = {
    Kindness.DEFER: _l("wait until next week"),
    Kindness.LOWER_STANDARD: _l("simpler standard"),
    Kindness.OUTSOURCE: _l("outside help"),
    Kindness.DROP: _l("let it go this week"),
}
_KINDNESS_THIS_WEEK = {
    Kindness.DEFER: _l("waits until next week"),
    Kindness.LOWER_STANDARD: _l("a simpler standard this week"),
    Kindness.OUTSOURCE: _l("outside help this week"),
    Kindness.DROP: _l("let go this week"),
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
        return str(_SELFCARE_STATUS_LABELS[self])


class SelfCareOutcome(StrEnum):
    """What happened once a self-care slot's time came."""

    KEPT = "kept"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return str(_SELFCARE_OUTCOME_LABELS[self])


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
        return str(_CHANNEL_LABELS[self])


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
        return str(_SCOPE_LABELS[self])


_SELFCARE_STATUS_LABELS = {
    SelfCareStatus.PLANNED: _l("planned"),
    SelfCareStatus.MOVED: _l("moved"),
    SelfCareStatus.SKIPPED_AHEAD: _l("skipped this week"),
}
_SELFCARE_OUTCOME_LABELS = {
    SelfCareOutcome.KEPT: _l("kept"),
    SelfCareOutcome.MISSED: _l("had to skip"),
}
_CHANNEL_LABELS = {
    ReminderChannel.EMAIL: _l("Email"),
    ReminderChannel.PUSH: _l("Phone notification"),
}
_SCOPE_LABELS = {
    TokenScope.READ: _l("Read only"),
    TokenScope.READ_WRITE: _l("Read and change"),
}
