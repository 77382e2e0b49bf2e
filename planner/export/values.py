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
            raise Refused(f"{path} must not be null.", path)
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _moment(value, path)
    if isinstance(kind, Date):
        return _parsed(date.fromisoformat, value, path, "a date (YYYY-MM-DD)")
    if isinstance(kind, Time):
        return _parsed(time.fromisoformat, value, path, "a time (HH:MM:SS)")
    if isinstance(kind, LargeBinary):
        return _bytes(value, path)
    if isinstance(kind, Enum):
        return _word(kind, value, path)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise Refused(f"{path} must be true or false.", path)
        return value
    if isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > INT_MOST:
            raise Refused(f"{path} must be a whole number.", path)
        return value
    if isinstance(kind, String):
        return _text(value, kind.length or TEXT_MOST, path)
    raise Refused(f"{path} cannot be read.", path)  # pragma: no cover (every type above)


def _parsed(parse: Any, value: Any, path: str, what: str) -> Any:
    if not isinstance(value, str) or len(value) > 40:
        raise Refused(f"{path} must be {what}.", path)
    try:
        return parse(value)
    except ValueError:
        raise Refused(f"{path} must be {what}.", path) from None


def _moment(value: Any, path: str) -> datetime:
    moment = _parsed(datetime.fromisoformat, value, path, "a date and time with its offset")
    if moment.tzinfo is None:
        raise Refused(f"{path} must have a UTC offset (Z or +00:00).", path)
    return moment.astimezone(UTC)


def _bytes(value: Any, path: str) -> bytes:
    if not isinstance(value, str):
        raise Refused(f"{path} must be base64 text.", path)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(f"{path} must be base64 text.", path) from None


def _word(kind: Enum, value: Any, path: str) -> Any:
    words = kind.enum_class
    allowed = [w.value for w in words] if words is not None else []
    if value not in allowed:
        raise Refused(f"{path} must be one of: {', '.join(allowed)}.", path)
    return words(value) if words is not None else value


def _text(value: Any, most: int, path: str) -> str:
    if not isinstance(value, str):
        raise Refused(f"{path} must be text.", path)
    if len(value) > most:
        raise Refused(f"{path} is longer than {most} characters.", path)
    if "\x00" in value:  # PostgreSQL keeps no NUL in text
        raise Refused(f"{path} holds a NUL character (\\u0000).", path)
    if not is_text(value):
        raise Refused(f"{path} holds a broken character (half of a \\u pair).", path)
    return value
