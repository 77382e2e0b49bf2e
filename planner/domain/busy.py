"""Busy times from a member's own calendar (.ics file or URL), and free slots."""

from __future__ import annotations

import calendar as gregorian
import codecs
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
import x_wr_timezone

from planner.domain.refusal import Refused

MAX_ICS_BYTES = 2_000_000
MAX_SUMMARY_CHARS = 200

# Untrusted rules are expanded in memory; these bound the work per rule.
_MAX_PER_DAY = 24
_MAX_RULE_STEPS = 1_000_000
# Occurrences a file's rules may expand in all, counting those before the window (a rule
# is expanded from its first start): about a second of work.
MAX_EXPANDED = 200_000
# The values each BY… part of a rule may take (RFC 5545 3.3.10); others never match.
_BY_RANGES = {
    "BYSECOND": (0, 60),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (-31, 31),
    "BYYEARDAY": (-366, 366),
    "BYWEEKNO": (-53, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (-366, 366),
}
_SIGNED = {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"}  # 0 is not a value
_DATE_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
_PARSE_ERRORS = (ValueError, KeyError, IndexError, TypeError, OverflowError, AttributeError)


def _(text: str) -> str:
    """Marks a message for the catalogues. This module stays free of the web app (the
    calendar reader's child process loads it alone), so it writes English; the web app
    tells a refusal in the member's language (planner.imports.services.told)."""
    return text


@dataclass(frozen=True)
class Words:
    """A message for the member: its English text (a msgid) and the values it names, some
    of them words too, so that it can be told in any language later."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)

    def tell(self, gettext: Callable[..., str] | None = None) -> str:
        """The message, through `gettext` (Flask-Babel's, which fills in the values), or
        in English without one."""
        values = {k: v.tell(gettext) if isinstance(v, Words) else v for k, v in self.values.items()}
        if gettext is not None:
            return gettext(self.text, **values)
        return self.text % values if values else self.text

    def as_json(self) -> dict[str, Any]:
        values = {k: v.as_json() if isinstance(v, Words) else v for k, v in self.values.items()}
        return {"text": self.text, "values": values}

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> Words:
        values = {
            k: cls.from_json(v) if isinstance(v, dict) else v
            for k, v in found.get("values", {}).items()
        }
        return cls(str(found["text"]), values)


class CalendarImportError(Refused):
    """The calendar can't be used; the message is meant for the member. Raised as
    `CalendarImportError(_("… %(name)s …"), name=…)`: `message` is English, `words` can be
    told in any language."""

    def __init__(self, text: str | Words, field: str | None = None, **values: Any):
        self.words = text if isinstance(text, Words) else Words(text, values)
        super().__init__(self.words.tell(), field)


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
    max_expanded: int = MAX_EXPANDED,
) -> list[BusyTime]:
    """Busy times overlapping [window_start, window_end), sorted.

    Floating times and all-day dates are read in `tz` (the household's zone).
    Free (TRANSP:TRANSPARENT) and cancelled events are left out. Rules that can never
    happen or never move on are refused, and so is a file whose rules expand to more
    than `max_expanded` occurrences (counted from each rule's first start). This bounds
    occurrences, not time: a rule that rarely matches still costs time to search, so
    untrusted files are read in a child process with a deadline (planner/imports/reader.py).
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
        occurrences = _occurrences(data, span, end, _Budget(max_expanded))
        for seen, occurrence in enumerate(occurrences, start=1):
            if seen > max_events:
                raise CalendarImportError(
                    _(
                        "This calendar has more than %(events)s events in the weeks we look "
                        "at, which is more than Planner can show. Could you export a shorter "
                        "time range, or just the calendar that matters here?"
                    ),
                    events=max_events,
                )
            found = _busy_time(occurrence, tz)
            if found and found.end > start and found.start < end:
                busy.append(found)
    return sorted(busy, key=lambda b: (b.start, b.end, b.summary))


def _occurrences(
    data: bytes, span: tuple[datetime, datetime], window_end: datetime, budget: _Budget
) -> Iterator[recurring_ical_events.Occurrence]:
    selection = recurring_ical_events.ComponentsWithName("VEVENT", series=_budgeted(budget))
    for calendar in _calendars(data):
        names = {}
        for event in calendar.walk("VEVENT"):
            _check_event(event, window_end)
            names[str(event.get("UID", ""))] = _summary(event, default="")
        # of() would run to_standard() again: a second walk over every event.
        query = recurring_ical_events.CalendarQuery(
            x_wr_timezone.to_standard(calendar), components=[selection]
        )
        # Series are expanded one at a time rather than with between(), so that a
        # calendar with too many occurrences is refused before all are in memory.
        for series in query.series:
            budget.event = names.get(str(series.uid), "")
            yield from series.between(*span)


class _Budget:
    """How many more occurrences the file's rules may expand."""

    def __init__(self, limit: int):
        self.limit = self.left = limit
        self.event = ""  # the title of the event being expanded, for the message

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise CalendarImportError(
                _(
                    "The event %(name)s repeats too many times since it began for Planner "
                    "to read (the repeating events of a calendar may add up to %(limit)s "
                    "times). Could you leave that event out, or export a shorter time range?"
                ),
                name=_event_name(self.event),
                limit=f"{self.limit:,}",
            )


class _CountedRule:
    """A dateutil rule whose every occurrence, from its first start, spends the budget.
    recurring-ical-events reads only `until` and `between()` of the rules it makes."""

    def __init__(self, rule: Any, budget: _Budget):
        self.rule, self.budget, self.until = rule, budget, rule.until

    def between(self, after: datetime, before: datetime, inc: bool = False) -> list[datetime]:
        found = []
        for moment in self.rule:  # dateutil expands from DTSTART, as its between() does
            self.budget.spend()
            if moment > before or (moment == before and not inc):
                break
            if moment > after or (moment == after and inc):
                found.append(moment)
        return found


def _budgeted(budget: _Budget) -> type[recurring_ical_events.Series]:
    """recurring-ical-events' Series, with its rules counted against the budget."""

    class Rules(recurring_ical_events.Series.RecurrenceRules):  # type: ignore[misc]
        def create_rule_with_start(self, rule_string: str) -> Any:
            return _CountedRule(super().create_rule_with_start(rule_string), budget)

    class BudgetedSeries(recurring_ical_events.Series):  # type: ignore[misc]
        RecurrenceRules = Rules

    return BudgetedSeries


@contextmanager
def _reported_as_import_error() -> Iterator[None]:
    """Whatever the libraries raise on a malformed calendar becomes a kind message."""
    try:
        yield
    except CalendarImportError:
        raise
    except ZoneInfoNotFoundError as exc:
        raise CalendarImportError(
            _(
                "This calendar uses a time zone Planner doesn't know. Please export it again "
                "from your calendar app and choose the .ics file."
            )
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


def check_calendar_data(data: bytes) -> str:
    """The calendar's text, after the cheap checks a request can afford (its size, and
    that it looks like a calendar); reading its events is left to parse_busy_times."""
    if len(data) > MAX_ICS_BYTES:
        raise CalendarImportError(
            _(
                "This calendar file is larger than %(mb)s MB. Could you export a shorter "
                "time range, or just the calendar that matters here?"
            ),
            mb=MAX_ICS_BYTES // 1_000_000,
        )
    text = bytes(data).decode("utf-8", errors="replace")
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise CalendarImportError(
            _(
                "This calendar file is empty. Please export it again from your calendar app "
                "and choose the .ics file."
            )
        )
    if head.startswith("<"):
        raise CalendarImportError(
            _(
                "This is a web page, not a calendar. If you copied a link, use the calendar's "
                "private iCal address (it usually ends in .ics)."
            )
        )
    if not head[:15].upper().startswith("BEGIN:VCALENDAR") or "\x00" in text:
        raise CalendarImportError(
            _(
                "This doesn't look like a calendar (.ics) file. Please export it again from "
                "your calendar app and choose the .ics file."
            )
        )
    return head


def as_utf8(data: bytes, charset: str | None = None) -> bytes:
    """The calendar re-encoded as UTF-8, read in the charset its server declared; without
    one (or with an unknown one) UTF-8 when the bytes are UTF-8, else Windows-1252 (the
    Latin-1 of most old exporters)."""
    codec = None
    if charset:
        try:
            codec = codecs.lookup(charset)
        except LookupError:
            codec = None
    if codec is not None and not getattr(codec, "_is_text_encoding", True):
        codec = None  # such as base64: not a character set
    if codec is None or codec.name == "utf-8":
        try:
            bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            codec = codecs.lookup("cp1252")
        else:
            return bytes(data)
    return bytes(data).decode(codec.name, errors="replace").encode("utf-8")


def _calendars(data: bytes) -> list[icalendar.Calendar]:
    head = check_calendar_data(data)
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
    name = _event_name(_summary(event, default=""))
    if "DTSTART" not in event:
        raise CalendarImportError(
            _(
                "The event %(name)s has no start time. Please export it again from your "
                "calendar app and choose the .ics file."
            ),
            name=name,
        )
    broken = {(prop or "").upper() for prop, _ in event.errors}
    rules = [] if "RRULE" in broken else _drop_empty_rules(event)
    if (
        broken & _DATE_PROPERTIES
        or isinstance(event["DTSTART"], list)  # more than one start
        or any("FREQ" not in rule or not _in_range(rule) for rule in rules)
    ):
        raise CalendarImportError(
            _(
                "Planner couldn't read the dates of the event %(name)s. Please export it "
                "again from your calendar app and choose the .ics file."
            ),
            name=name,
        )
    dtstart: Any = event["DTSTART"]  # a vDDDTypes: one start, checked above
    days = max(1, (window_end.date() - _as_date(dtstart.dt)).days)
    for rule in rules:
        if _never_moves_on(rule):
            raise CalendarImportError(
                _(
                    "The event %(name)s has a repeat rule that never moves on (it repeats "
                    "every 0 days, or less), which Planner can't read. Could you fix or "
                    "leave out that event?"
                ),
                name=name,
            )
        if _never_happens(rule):
            raise CalendarImportError(
                _(
                    "The event %(name)s has a repeat rule that can never happen (such as the "
                    "30th of February), which Planner can't read. Could you fix or leave out "
                    "that event?"
                ),
                name=name,
            )
        per_day = _max_per_day(rule)
        if per_day > _MAX_PER_DAY or per_day * days > _MAX_RULE_STEPS:
            raise CalendarImportError(
                _(
                    "The event %(name)s repeats too often for Planner to handle (more than "
                    "once an hour, or hourly for decades). Could you leave that event out?"
                ),
                name=name,
            )


def _drop_empty_rules(event: icalendar.Component) -> list[icalendar.vRecur]:
    """The event's repeat rules; an empty `RRULE:` line (some holiday feeds write one)
    means no repeat, so it is taken out of the event before it is expanded."""
    found = event.get("RRULE", [])
    found = found if isinstance(found, list) else [found]
    rules = [rule for rule in found if rule]
    if len(rules) != len(found):
        del event["RRULE"]
        for rule in rules:
            event.add("RRULE", rule)
    return rules


def _numbers(rule: icalendar.vRecur, part: str) -> list[int]:
    values = rule.get(part, [])
    values = values if isinstance(values, list) else [values]
    # BYMONTH values are vMonth ("2", or "2L" for a leap month in other calendars).
    return [int(str(value).rstrip("Ll")) for value in values]


def _in_range(rule: icalendar.vRecur) -> bool:
    """Whether every BY… value is one RFC 5545 allows (dateutil would search for others
    until the year 9999)."""
    for part, (low, high) in _BY_RANGES.items():
        for value in _numbers(rule, part):
            if not low <= value <= high or (value == 0 and part in _SIGNED):
                return False
    return True


def _never_moves_on(rule: icalendar.vRecur) -> bool:
    interval = rule.get("INTERVAL", [1])
    interval = interval[0] if isinstance(interval, list) and interval else interval
    return not isinstance(interval, int) or interval < 1


def _never_happens(rule: icalendar.vRecur) -> bool:
    """Rules whose parts rule each other out, such as BYMONTH=2;BYMONTHDAY=30 or
    BYMONTH=1;BYYEARDAY=366; dateutil would search for them until the year 9999."""
    months = _numbers(rule, "BYMONTH") or list(range(1, 13))
    month_days = _numbers(rule, "BYMONTHDAY")
    longest = max(gregorian.monthrange(2024, month)[1] for month in months)  # a leap year
    if month_days and all(abs(day) > longest for day in month_days):
        return True
    year_days = _numbers(rule, "BYYEARDAY")
    if year_days and _numbers(rule, "BYMONTH"):
        possible = {
            found.month
            for year in (2023, 2024)  # a common year and a leap year
            for day in year_days
            if (found := _year_day(year, day))
        }
        return not possible & set(months)
    return False


def _year_day(year: int, day: int) -> date | None:
    """The date of a BYYEARDAY value in `year` (negative counts back from 31 December),
    or None when the year has no such day (366 in a common year)."""
    start = date(year, 1, 1) if day > 0 else date(year, 12, 31)
    moved = start + timedelta(days=day - 1 if day > 0 else day + 1)
    return moved if moved.year == year else None


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


def _event_name(title: str) -> Words:
    """How a refusal names an event: its title in quotes, or that it has none."""
    return Words(_("“%(title)s”"), {"title": title}) if title else Words(_("without a title"))


def _unreadable() -> str:
    return _(
        "Planner couldn't read this calendar file; it may be damaged or cut off. Please export "
        "it again from your calendar app and choose the .ics file."
    )
