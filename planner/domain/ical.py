"""iCalendar feeds (subscriptions) and single-event attachments.

Everything is built with `icalendar`; the output is deterministic for the same
input, because the app caches the bytes and derives an ETag from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone, vDuration, vRecur, vText

PRODID = "-//Planner//Household week plan//EN"
METHODS = ("PUBLISH", "CANCEL")

# VTIMEZONE observances are listed one by one (RDATE), so they only cover a
# window: from the earliest event (or today) to five years after today (or after the
# last event), and never more than _TZ_YEARS_LIMIT years from today either way, so an
# odd stored date can't make the feed huge or fall off the end of the calendar.
_TZ_YEARS_AHEAD = 5
_TZ_YEARS_LIMIT = 30

# RFC 5545 TEXT may not hold control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class FeedOverride:
    """One moved occurrence of a recurring event (a RECURRENCE-ID event)."""

    recurrence_id: datetime
    start: datetime
    end: datetime
    sequence: int = 0
    summary: str | None = None


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    start: datetime
    end: datetime
    sequence: int = 0
    description: str = ""
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    overrides: tuple[FeedOverride, ...] = ()
    categories: tuple[str, ...] = ()
    transparent: bool = False
    all_day: bool = False


def build_calendar(
    name: str,
    tzid: str,
    events: Iterable[FeedEvent],
    *,
    dtstamp: datetime,
    refresh_minutes: int = 60,
    today: date | None = None,
) -> bytes:
    """A subscription feed: METHOD:PUBLISH, a refresh hint and one VTIMEZONE that covers
    `today` (default: the day of `dtstamp`) and the five years after it."""
    if refresh_minutes <= 0:
        raise ValueError("refresh_minutes must be positive")
    zone = _zone(tzid)
    stamp = _utc(dtstamp, "dtstamp")
    cal = _calendar("PUBLISH")
    name = " ".join(_text(name).split())  # calendar names are one line
    # TEXT values: a comma or semicolon unescaped would end the name for some readers.
    cal.add("NAME", _Text(name))
    cal.add("X-WR-CALNAME", _Text(name))
    cal.add("X-WR-TIMEZONE", tzid)
    refresh = timedelta(minutes=refresh_minutes)
    cal.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    # icalendar would write a bare timedelta as "1:00:00" for an X- property.
    cal.add("X-PUBLISHED-TTL", vDuration(refresh))
    _add_events(cal, events, zone, stamp, status=None, today=today or stamp.date())
    feed: bytes = cal.to_ical()
    return feed


def build_event_ics(
    event: FeedEvent, tzid: str, *, dtstamp: datetime, method: str = "PUBLISH"
) -> bytes:
    """One event as an email attachment; CANCEL marks it STATUS:CANCELLED."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    cal = _calendar(method)
    status = "CANCELLED" if method == "CANCEL" else None
    stamp = _utc(dtstamp, "dtstamp")
    _add_events(cal, [event], _zone(tzid), stamp, status=status, today=stamp.date())
    attachment: bytes = cal.to_ical()
    return attachment


def _calendar(method: str) -> Calendar:
    # Calendar.new() would add a random UID, breaking deterministic output.
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", method)
    return cal


def _add_events(
    cal: Calendar,
    events: Iterable[FeedEvent],
    zone: ZoneInfo,
    stamp: datetime,
    status: str | None,
    today: date,
) -> None:
    ordered = sorted(events, key=lambda e: (_utc(e.start, "start"), e.uid))
    uids = [event.uid for event in ordered]
    if len(set(uids)) != len(uids):
        raise ValueError("event UIDs must be unique within a calendar")
    moments: list[datetime] = []
    tzids: set[str] = set()
    for event in ordered:
        _check(event)
        components = [_master(event, zone)]
        overrides = sorted(event.overrides, key=lambda o: _utc(o.recurrence_id, "recurrence_id"))
        components += [_override(event, override, zone) for override in overrides]
        for component in components:
            component.add("DTSTAMP", stamp)
            if status:
                component.add("STATUS", status)
            cal.add_component(component)
        if not event.all_day:
            moments += [event.start, event.end, *event.exdates]
            moments += [m for o in event.overrides for m in (o.recurrence_id, o.start, o.end)]
            # Every time of a timed event is written in `zone`, so its DTSTART names the
            # one TZID in use (none for UTC, written with a Z): what get_missing_tzids()
            # would find by walking the whole calendar.
            tzids.add(components[0]["DTSTART"].params.get("TZID", "UTC"))
    if moments:
        first, last = _tz_years(moments, zone, today)
        # As add_missing_timezones() places them: first in the calendar, before any event.
        for n, tzid in enumerate(sorted(tzids - {"UTC"})):
            cal.subcomponents.insert(n, _vtimezone(tzid, first, last))


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of one zone over one range of years, worked out once and then shared
    (read only) by every calendar that needs it: icalendar derives it from the zone's
    transitions on each call, and asks callers to cache it."""
    try:
        return Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError as exc:
        raise ValueError(f"cannot describe time zone {tzid!r} as VTIMEZONE") from exc


def _tz_years(moments: list[datetime], zone: ZoneInfo, today: date) -> tuple[date, date]:
    """The first and last date the VTIMEZONE describes (see _TZ_YEARS_AHEAD)."""
    years = [_local(m, zone, "time").year for m in moments]
    lowest = max(today.year - _TZ_YEARS_LIMIT, MINYEAR + 1)
    highest = min(today.year + _TZ_YEARS_LIMIT, MAXYEAR - 1)
    first = min(max(min(*years, today.year), lowest), highest)
    last = max(min(max(*years, today.year + _TZ_YEARS_AHEAD) + 1, highest), first)
    return date(first, 1, 1), date(last, 1, 1)


def _check(event: FeedEvent) -> None:
    if not event.uid.strip():
        raise ValueError("event UID must not be empty")
    if min((event.sequence, *(o.sequence for o in event.overrides))) < 0:
        raise ValueError(f"{event.uid}: SEQUENCE must not be negative")
    if _utc(event.end, "end") <= _utc(event.start, "start") and not event.all_day:
        raise ValueError(f"{event.uid}: end must be after start")
    if (event.exdates or event.overrides) and not event.rrule:
        raise ValueError(f"{event.uid}: exdates and overrides need an rrule")
    skipped = {_utc(d, "exdate") for d in event.exdates}
    moved = [_utc(o.recurrence_id, "recurrence_id") for o in event.overrides]
    if len(set(moved)) != len(moved) or skipped & set(moved):
        raise ValueError(f"{event.uid}: an occurrence is moved twice or both moved and skipped")
    for override in event.overrides:
        if _utc(override.end, "end") <= _utc(override.start, "start") and not event.all_day:
            raise ValueError(f"{event.uid}: override end must be after its start")


def _master(event: FeedEvent, zone: ZoneInfo) -> Event:
    component = _vevent(event, event.summary, event.start, event.end, event.sequence, zone)
    if event.rrule:
        component.add("RRULE", _rrule(event.rrule, zone, event.all_day))
    if event.exdates:
        skipped = sorted({_utc(d, "exdate"): d for d in event.exdates}.items())
        component.add("EXDATE", [_occurrence(event, d, zone) for _, d in skipped])
    return component


def _override(event: FeedEvent, override: FeedOverride, zone: ZoneInfo) -> Event:
    summary = event.summary if override.summary is None else override.summary
    # An override inherits the master's text, so it changes whenever the master does;
    # some clients also drop overrides whose SEQUENCE is below the master's.
    sequence = max(override.sequence, event.sequence)
    component = _vevent(event, summary, override.start, override.end, sequence, zone)
    component.add("RECURRENCE-ID", _occurrence(event, override.recurrence_id, zone))
    return component


def _vevent(
    event: FeedEvent,
    summary: str,
    start: datetime,
    end: datetime,
    sequence: int,
    zone: ZoneInfo,
) -> Event:
    component = Event()
    component.add("UID", event.uid)
    component.add("SEQUENCE", sequence)
    component.add("SUMMARY", _Text(_text(summary)))
    if event.all_day:
        first, after_last = _days(start, end, zone)
        component.add("DTSTART", first)
        component.add("DTEND", after_last)
    else:
        component.add("DTSTART", _local(start, zone, "start"))
        component.add("DTEND", _local(end, zone, "end"))
    if event.description:
        component.add("DESCRIPTION", _Text(_text(event.description)))
    if event.categories:
        component.add("CATEGORIES", [_text(c) for c in event.categories])
    component.add("TRANSP", "TRANSPARENT" if event.transparent else "OPAQUE")
    return component


def _rrule(text: str, zone: ZoneInfo, all_day: bool) -> vRecur:
    rule: vRecur = vRecur.from_ical(text)  # raises ValueError on bad parts
    if "FREQ" not in rule:
        # vRecur.from_ical("garbage") returns an empty rule instead of failing.
        raise ValueError(f"rrule {text!r} has no FREQ")
    if "UNTIL" in rule:
        rule["UNTIL"] = [_until(rule["UNTIL"][0], zone, all_day)]
    return rule


def _until(value: date, zone: ZoneInfo, all_day: bool) -> date:
    """UNTIL must match DTSTART: a DATE for all-day events, else UTC (RFC 5545 3.3.10)."""
    if isinstance(value, datetime):
        local = value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
        return local.date() if all_day else local.astimezone(UTC)
    if all_day:
        return value
    return datetime.combine(value, time(23, 59, 59), zone).astimezone(UTC)


def _occurrence(event: FeedEvent, value: datetime, zone: ZoneInfo) -> date:
    """An EXDATE or RECURRENCE-ID, named as RRULE expansion names the occurrence: its day
    and the master's wall time, even when a spring-forward gap skips that wall time (the
    occurrence then happens later, RFC 5545 3.3.5, but keeps its name). Calendar apps
    (Home Assistant's ical, vobject, Thunderbird's ical.js) match these by that name, so
    an instant given for a gap occurrence is written as the wall time it stands for."""
    if event.all_day:
        return _local(value, zone, "occurrence").date()
    local = _local(value, zone, "occurrence")
    wall = _local(event.start, zone, "start").time()
    if local.time() != wall:
        named = datetime.combine(local.date(), wall, zone)
        if _utc(named, "occurrence") == _utc(value, "occurrence"):
            return named
    return local


def _days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """Local dates for an all-day event; DTEND is the day after the last day."""
    first = _local(start, zone, "start").date()
    last = (_local(end, zone, "end") - timedelta(microseconds=1)).date()
    return first, max(last, first) + timedelta(days=1)


def _local(value: datetime, zone: ZoneInfo, what: str) -> datetime:
    """`value` as wall time in `zone`; a value already in `zone` is kept as given, so a
    wall time that a daylight-saving gap skips stays the one the caller named."""
    _utc(value, what)
    if isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key == zone.key:
        return value.replace(tzinfo=zone)
    try:
        return value.astimezone(zone)
    except OverflowError as exc:
        raise ValueError(f"{what} {value!r} is too near the end of the calendar") from exc


def _utc(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{what} {value!r} is too near the end of the calendar") from exc


def _zone(tzid: str) -> ZoneInfo:
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tzid!r}") from exc


class _Text(vText):
    """RFC 5545 TEXT escaping that keeps a literal backslash-N as typed
    (icalendar's own escaping first turns "\\N" into a line break)."""

    def to_ical(self) -> bytes:
        escaped = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return escaped.replace("\n", "\\n").encode("utf-8")


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
