"""One column's value to JSON and back: dates and times as ISO 8601, UTC datetimes with
an offset, vocabulary words as their stored values, bytes as base64."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Boolean, Column, Date, Enum, Integer, LargeBinary, String, Time

from planner.database import UTCDateTime
from planner.domain.refusal import Refused
from planner.export.files import is_text
from planner.i18n import _, _l

TEXT_MOST = 100_000  # characters in a Text column, which the database does not limit
INT_MOST = 2**31 - 1


def to_json(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return value.astimezone(UTC).isoformat()
    if isinstance(kind, Date | Time):
        return value.isoformat()
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(kind, Enum):
        return value.value
    return value


def from_json(column: Column, value: Any, path: str) -> Any:
    """The column's value for a JSON value; refuses, naming `path`, what does not fit."""
    if value is None:
        if not column.nullable:
            raise Refused(_("%(path)s must not be null.", path=path), path)
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _moment(value, path)
    if isinstance(kind, Date):
        return _parsed(date.fromisoformat, value, path, _l("%(path)s must be a date (YYYY-MM-DD)."))
    if isinstance(kind, Time):
        return _parsed(time.fromisoformat, value, path, _l("%(path)s must be a time (HH:MM:SS)."))
    if isinstance(kind, LargeBinary):
        return _bytes(value, path)
    if isinstance(kind, Enum):
        return _word(kind, value, path)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise Refused(_("%(path)s must be true or false.", path=path), path)
        return value
    if isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > INT_MOST:
            raise Refused(_("%(path)s must be a whole number.", path=path), path)
        return value
    if isinstance(kind, String):
        return _text(value, kind.length or TEXT_MOST, path)
    raise Refused(
        _("%(path)s cannot be read.", path=path), path
    )  # pragma: no cover (every type above)


def _parsed(parse: Any, value: Any, path: str, message: Any) -> Any:
    """`value` parsed, or refused with `message` (lazy, with a %(path)s)."""
    if not isinstance(value, str) or len(value) > 40:
        raise Refused(str(message) % {"path": path}, path)
    try:
        return parse(value)
    except ValueError:
        raise Refused(str(message) % {"path": path}, path) from None


def _moment(value: Any, path: str) -> datetime:
    moment = _parsed(
        datetime.fromisoformat,
        value,
        path,
        _l("%(path)s must be a date and time with its offset."),
    )
    if moment.tzinfo is None:
        raise Refused(_("%(path)s must have a UTC offset (Z or +00:00).", path=path), path)
    return moment.astimezone(UTC)


def _bytes(value: Any, path: str) -> bytes:
    if not isinstance(value, str):
        raise Refused(_("%(path)s must be base64 text.", path=path), path)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(_("%(path)s must be base64 text.", path=path), path) from None


def _word(kind: Enum, value: Any, path: str) -> Any:
    words = kind.enum_class
    allowed = [w.value for w in words] if words is not None else []
    if value not in allowed:
        raise Refused(
            _("%(path)s must be one of: %(words)s.", path=path, words=", ".join(allowed)), path
        )
    return words(value) if words is not None else value


def _text(value: Any, most: int, path: str) -> str:
    if not isinstance(value, str):
        raise Refused(_("%(path)s must be text.", path=path), path)
    if len(value) > most:
        raise Refused(_("%(path)s is longer than %(most)d characters.", path=path, most=most), path)
    if "\x00" in value:  # PostgreSQL keeps no NUL in text
        raise Refused(_("%(path)s holds a NUL character (\\u0000).", path=path), path)
    if not is_text(value):
        raise Refused(_("%(path)s holds a broken character (half of a \\u pair).", path=path), path)
    return value
