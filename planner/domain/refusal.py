"""The one way a rule says no: a message for the member, the field it belongs to, a status.

Services and domain functions raise `Refused`; views catch it and put the message beside
its field (planner.forms.show_refusal) or on the page. Nothing is saved: the request's
transaction rolls back because the response is not a success.
"""

from __future__ import annotations

import hashlib


class Refused(ValueError):  # noqa: N818 (the product's word for it)
    """A request the product's rules refuse; the message is meant for the member."""

    status: int = 422

    def __init__(self, message: str, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class Throttled(Refused):
    """Too many attempts: wait and try again."""

    status = 429


def fingerprint(*values: object) -> str:
    """A short hash of what a form edits, carried by the form as its base: a save whose base
    no longer matches what is stored was made on a stale copy (a Conflict)."""
    return hashlib.blake2s(repr(values).encode(), digest_size=8).hexdigest()


class Conflict(Refused):
    """A save made on a stale copy of something another member changed meanwhile;
    `current` says what it is now, so the member can decide again."""

    status = 409

    def __init__(self, message: str, current: str, field: str | None = None):
        super().__init__(message, field)
        self.current = current
