"""Busy times from a member's own calendar (.ics file or URL), and free slots."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
import x_wr_timezone  # type: ignore[import-untyped]

from planner.domain.refusal import Refused

MAX_ICS_BYTES = 2_000_000
MAX_SUMMARY_CHARS = 200

# Untrusted rules are expanded in memory; these bound the work per rule.
_MAX_PER_DAY = 24
_MAX_RULE_STEPS = 1_000_000
_DATE_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
_PARSE_ERRORS = (ValueError, KeyError, IndexError, TypeError, OverflowError, AttributeError)

_EXPORT_HINT = "Please export it again from your calendar app and choose the .ics file."


class CalendarImportError(Refused):
    """The calendar can't be used; the message is meant for the member."""


@dataclass(frozen=True)
class BusyTime:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    summary: str


def parse_busy_times(
    data: bytes,
    window_start: datetime,
    window_end: datetime,
    *,
    tz: ZoneInfo,
    max_events: int = 5000,
) -> list[BusyTime]:
    """Busy times overlapping [window_start, window_end), sorted.

    Floating times and all-day dates are read in `tz` (the household's zone).
    Free (TRANSP:TRANSPARENT) and cancelled events are left out.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"calendar data must be bytes, not {type(data).__name__}")
    start, end = _aware(window_start), _aware(window_end)
    if end <= start:
        raise ValueError("window_end must be after window_start")
    # Querying in `tz` makes recurring-ical-events read floating times in it too.
    span = (start.astimezone(tz), end.astimezone(tz))
    busy: list[BusyTime] = []
    with _reported_as_import_error():
        for seen, occurrence in enumerate(_occurrences(data, span, end), start=1):
            if seen > max_events:
                raise CalendarImportError(
                    f"This calendar has more than {max_events} events in the weeks we look "
                    "at, which is more than Planner can show. Could you export a shorter "
                    "time range, or just the calendar that matters here?"
                )
            found = _busy_time(occurrence, tz)
            if found and found.end > start and found.start < end:
                busy.append(found)
    return sorted(busy, key=lambda b: (b.start, b.end, b.summary))


def _occurrences(
    data: bytes, span: tuple[datetime, datetime], window_end: datetime
) -> Iterator[recurring_ical_events.Occurrence]:
    for calendar in _calendars(data):
        for event in calendar.walk("VEVENT"):
            _check_event(event, window_end)
        # of() would run to_standard() again: a second walk over every event.
        query = recurring_ical_events.CalendarQuery(x_wr_timezone.to_standard(calendar))
        # Series are expanded one at a time rather than with between(), so that a
        # calendar with too many occurrences is refused before all are in memory.
        for series in query.series:
            yield from series.between(*span)


@contextmanager
def _reported_as_import_error() -> Iterator[None]:
    """Whatever the libraries raise on a malformed calendar becomes a kind message."""
    try:
        yield
    except CalendarImportError:
        raise
    except ZoneInfoNotFoundError as exc:
        raise CalendarImportError(
            "This calendar uses a time zone Planner doesn't know. " + _EXPORT_HINT
        ) from exc
    except _PARSE_ERRORS as exc:
        raise CalendarImportError(_unreadable()) from exc


def merge_intervals(busy: Iterable[BusyTime]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching busy times joined; sorted, disjoint."""
    return _merge((b.start, b.end) for b in busy)


def free_slots(
    day_start: datetime,
    day_end: datetime,
    busy_intervals: Iterable[tuple[datetime, datetime]],
    length: timedelta,
    step: timedelta = timedelta(minutes=30),
) -> list[datetime]:
    """Starts (every `step` from day_start) of `length`-long slots that avoid all busy times.

    Steps are counted in elapsed time, so a day with a clock change still gets
    evenly spaced slots; results are in day_start's zone.
    """
    if length <= timedelta(0) or step <= timedelta(0):
        raise ValueError("length and step must be positive")
    zone = _aware(day_start).tzinfo
    # Aware arithmetic in a ZoneInfo zone is wall-clock arithmetic; UTC is elapsed time.
    cursor, stop = day_start.astimezone(UTC), _aware(day_end).astimezone(UTC)
    intervals = _merge(busy_intervals)
    slots: list[datetime] = []
    i = 0
    while cursor + length <= stop:
        while i < len(intervals) and intervals[i][1] <= cursor:
            i += 1
        if i == len(intervals) or intervals[i][0] >= cursor + length:
            slots.append(cursor.astimezone(zone))
        cursor += step
    return slots


def _merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    pairs = ((_aware(s).astimezone(UTC), _aware(e).astimezone(UTC)) for s, e in intervals)
    for start, end in sorted(p for p in pairs if p[1] > p[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _calendars(data: bytes) -> list[icalendar.Calendar]:
    if len(data) > MAX_ICS_BYTES:
        raise CalendarImportError(
            f"This calendar file is larger than {MAX_ICS_BYTES // 1_000_000} MB. "
            "Could you export a shorter time range, or just the calendar that matters here?"
        )
    text = bytes(data).decode("utf-8", errors="replace")
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise CalendarImportError("This calendar file is empty. " + _EXPORT_HINT)
    if head.startswith("<"):
        raise CalendarImportError(
            "This is a web page, not a calendar. If you copied a link, use the calendar's "
            "private iCal address (it usually ends in .ics)."
        )
    if not head[:15].upper().startswith("BEGIN:VCALENDAR") or "\x00" in text:
        raise CalendarImportError("This doesn't look like a calendar (.ics) file. " + _EXPORT_HINT)
    try:
        # icalendar chokes on a byte order mark, which some exporters write.
        found = icalendar.Calendar.from_ical(head, multiple=True)
    except _PARSE_ERRORS as exc:
        raise CalendarImportError(_unreadable()) from exc
    calendars = [c for c in found if c.name == "VCALENDAR"]
    if not calendars:
        raise CalendarImportError(_unreadable())
    return calendars


def _check_event(event: icalendar.Component, window_end: datetime) -> None:
    """Refuse events whose dates can't be read or whose rules would expand without bound."""
    title = _summary(event, default="")
    name = f"“{title}”" if title else "without a title"
    if "DTSTART" not in event:
        raise CalendarImportError(f"The event {name} has no start time. " + _EXPORT_HINT)
    rules = event.get("RRULE", [])
    rules = rules if isinstance(rules, list) else [rules]
    broken = {(prop or "").upper() for prop, _ in event.errors}
    if (
        broken & _DATE_PROPERTIES
        or isinstance(event["DTSTART"], list)  # more than one start
        or any("FREQ" not in rule for rule in rules)
    ):
        raise CalendarImportError(
            f"Planner couldn't read the dates of the event {name}. " + _EXPORT_HINT
        )
    dtstart: Any = event["DTSTART"]  # a vDDDTypes: one start, checked above
    days = max(1, (window_end.date() - _as_date(dtstart.dt)).days)
    for rule in rules:
        per_day = _max_per_day(rule)
        if per_day > _MAX_PER_DAY or per_day * days > _MAX_RULE_STEPS:
            raise CalendarImportError(
                f"The event {name} repeats too often for Planner to handle (more than "
                "once an hour, or hourly for decades). Could you leave that event out?"
            )


def _max_per_day(rule: icalendar.vRecur) -> int:
    """An upper bound on how many times a day the rule can fire."""
    freq = str(rule.get("FREQ", [""])[0]).upper()
    if freq in ("SECONDLY", "MINUTELY"):
        return _MAX_PER_DAY + 1
    hours = 24 if freq == "HOURLY" else max(1, len(rule.get("BYHOUR", [])))
    return hours * max(1, len(rule.get("BYMINUTE", []))) * max(1, len(rule.get("BYSECOND", [])))


def _busy_time(occurrence: recurring_ical_events.Occurrence, tz: ZoneInfo) -> BusyTime | None:
    component = occurrence.as_component(False)
    if str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start, end = _to_utc(occurrence.start, tz), _to_utc(occurrence.end, tz)
    if end <= start:
        return None
    return BusyTime(start=start, end=end, summary=_summary(component, default="Busy"))


def _to_utc(value: date, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tz)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _summary(component: icalendar.Component, default: str) -> str:
    summary = component.get("SUMMARY", "")
    if isinstance(summary, list):  # more than one SUMMARY line
        summary = summary[0] if summary else ""
    text = " ".join(str(summary).split())
    return text[:MAX_SUMMARY_CHARS] or default


def _aware(value: datetime) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
    return value


def _unreadable() -> str:
    return "Planner couldn't read this calendar file; it may be damaged or cut off. " + _EXPORT_HINT
