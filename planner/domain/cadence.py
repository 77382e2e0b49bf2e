"""Cadences: how often a responsibility recurs, stored as an RFC 5545 RRULE.

A `Cadence` is what the form edits; the RRULE string is what we store and put in
feeds. `validate_rrule` accepts the date-level subset of RFC 5545 that we can expand
safely; `from_rrule` further narrows that to the shapes a `Cadence` can express.
Expansion always goes through dateutil.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeGuard, cast

from dateutil.rrule import rrulestr

from planner.domain.refusal import Refused
from planner.i18n import _, _l, _n, weekday_names

CADENCE_KINDS = ("daily", "weekdays", "weekly", "every_n_weeks", "monthly", "as_needed", "once")

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = (
    "Mon",
    "Tue",
    "Wed",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
)  # English; describe() speaks the reader's
_WEEKDAYS = (0, 1, 2, 3, 4)
_ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)

MAX_COUNT = 1000
MAX_INTERVAL = 366
_MAX_LENGTH = 300
_SUPPORTED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SUB_DAILY_FREQS = ("HOURLY", "MINUTELY", "SECONDLY")
_UNSUPPORTED_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")
# Longest each month can be; February counts its leap day.
_MONTH_LENGTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKS_PER_MONTH = 365.2425 / 12 / 7


class CadenceError(Refused):
    """A cadence or RRULE we cannot accept; the message is fit to show to a member."""


@dataclass(frozen=True)
class Cadence:
    """How often a responsibility recurs.

    Normalised on creation so that equal schedules compare equal: days are sorted
    and de-duplicated, fields the kind does not use are reset, and weekly on all
    seven days becomes "daily", on Monday to Friday "weekdays".
    """

    kind: str
    days: tuple[int, ...] = ()  # 0=Mon..6=Sun, for weekly and every_n_weeks
    interval: int = 1  # N for every_n_weeks (2..12)
    month_day: int | None = None  # 1..28, or -1 for the last day of the month

    def __post_init__(self) -> None:
        kind, interval = self.kind, 1
        days: tuple[int, ...] = ()
        month_day: int | None = None
        if kind not in CADENCE_KINDS:
            raise CadenceError(_("“%(kind)s” is not a cadence we know.", kind=kind))
        if kind in ("weekly", "every_n_weeks"):
            days = _clean_days(self.days)
            if kind == "every_n_weeks":
                interval = self.interval
                if not _is_int(interval) or not 2 <= interval <= 12:
                    raise CadenceError(_("“Every N weeks” needs N between 2 and 12."))
            elif days == _ALL_DAYS:
                kind, days = "daily", ()
            elif days == _WEEKDAYS:
                kind, days = "weekdays", ()
        elif kind == "monthly":
            month_day = self.month_day
            if not _is_int(month_day) or not (1 <= month_day <= 28 or month_day == -1):
                raise CadenceError(_("Pick a day of the month from 1 to 28, or the last day."))
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "interval", interval)
        object.__setattr__(self, "month_day", month_day)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_days(days: object) -> tuple[int, ...]:
    try:
        cleaned = tuple(sorted(set(days)))  # type: ignore[call-overload]
    except TypeError:
        raise CadenceError(_("Days must be a list of weekdays.")) from None
    if not all(_is_int(d) and 0 <= d <= 6 for d in cleaned):
        raise CadenceError(_("Days must be weekdays from Monday (0) to Sunday (6)."))
    if not cleaned:
        raise CadenceError(_("Pick at least one day of the week."))
    return cleaned


# --- RRULE parsing -----------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d{1,2}")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"(\d{4})(\d\d)(\d\d)(T\d{6}Z?)?")


@dataclass(frozen=True)
class _Rule:
    freq: str
    interval: int = 1
    count: int | None = None
    until: date | None = None
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int | None, int], ...] = ()  # (ordinal or None, weekday)
    wkst: int = 0

    def __str__(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        if self.bymonth:
            parts.append("BYMONTH=" + ",".join(map(str, self.bymonth)))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + ",".join(map(str, self.bymonthday)))
        if self.byday:
            codes = (f"{n or ''}{DAY_CODES[d]}" for n, d in self.byday)
            parts.append("BYDAY=" + ",".join(codes))
        if self.wkst:  # MO is the RFC default
            parts.append(f"WKST={DAY_CODES[self.wkst]}")
        return ";".join(parts)


def _ints(name: str, value: str, low: int, high: int) -> tuple[int, ...]:
    numbers = set()
    for item in value.split(","):
        if not _INT.fullmatch(item) or not low <= int(item) <= high or int(item) == 0:
            if low < 0:
                message = _(
                    "“%(item)s” is not a valid %(name)s: use %(low)d to %(high)d, but not 0.",
                    item=item,
                    name=name,
                    low=low,
                    high=high,
                )
            else:
                message = _(
                    "“%(item)s” is not a valid %(name)s: use %(low)d to %(high)d.",
                    item=item,
                    name=name,
                    low=low,
                    high=high,
                )
            raise CadenceError(message)
        numbers.add(int(item))
    return tuple(sorted(numbers))


def _int(name: str, value: str, high: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= high:
        raise CadenceError(
            _(
                "%(name)s must be a whole number from 1 to %(high)d, not “%(value)s”.",
                name=name,
                high=high,
                value=value,
            )
        )
    return int(value)


def _parse(rrule: str) -> _Rule:
    if not isinstance(rrule, str):
        raise CadenceError(_("A repeat rule must be text."))
    text = rrule.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:]
    if not text:
        raise CadenceError(_("The repeat rule is empty."))
    if len(text) > _MAX_LENGTH or "\n" in text or "\r" in text:
        raise CadenceError(_("The repeat rule must be a single, short RRULE line."))
    raw: dict[str, str] = {}
    for chunk in filter(None, text.upper().split(";")):
        name, sep, value = (s.strip() for s in chunk.partition("="))
        if not sep or not name or not value:
            raise CadenceError(_("“%(chunk)s” is not of the form NAME=VALUE.", chunk=chunk))
        if name in raw:
            raise CadenceError(_("%(name)s appears more than once.", name=name))
        if name in _UNSUPPORTED_PARTS:
            raise CadenceError(_("%(name)s is not supported in a cadence.", name=name))
        raw[name] = value
    freq = raw.pop("FREQ", None)
    if freq is None:
        raise CadenceError(_("The repeat rule needs a FREQ (for example FREQ=WEEKLY)."))
    if freq in _SUB_DAILY_FREQS:
        raise CadenceError(_("Responsibilities can repeat at most once a day."))
    if freq not in _SUPPORTED_FREQS:
        raise CadenceError(_("“%(freq)s” is not a frequency we know.", freq=freq))
    fields: dict[str, Any] = {"freq": freq}
    for name, value in raw.items():
        if name == "INTERVAL":
            fields["interval"] = _int(name, value, MAX_INTERVAL)
        elif name == "COUNT":
            fields["count"] = _int(name, value, MAX_COUNT)
        elif name == "UNTIL":
            fields["until"] = _parse_until(value)
        elif name == "BYMONTH":
            fields["bymonth"] = _ints(name, value, 1, 12)
        elif name == "BYMONTHDAY":
            fields["bymonthday"] = _ints(name, value, -31, 31)
        elif name == "BYDAY":
            fields["byday"] = _parse_byday(value)
        elif name == "WKST":
            if value not in DAY_CODES:
                raise CadenceError(_("WKST must be a weekday code, not “%(value)s”.", value=value))
            fields["wkst"] = DAY_CODES.index(value)
        else:
            raise CadenceError(_("%(name)s is not part of a repeat rule we understand.", name=name))
    rule = _Rule(**fields)
    _check_combination(rule)
    return rule


def _parse_until(value: str) -> date:
    match = _UNTIL.fullmatch(value)
    try:
        if match:
            # Cadences are date-level, so a time of day on UNTIL adds nothing.
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise CadenceError(_("UNTIL must be a date like 20261231, not “%(value)s”.", value=value))


def _parse_byday(value: str) -> tuple[tuple[int | None, int], ...]:
    days = set()
    for item in value.split(","):
        match = _BYDAY.fullmatch(item)
        if not match or (match[1] is not None and int(match[1]) == 0):
            raise CadenceError(
                _("BYDAY must list weekdays such as MO,TH, not “%(item)s”.", item=item)
            )
        days.add((int(match[1]) if match[1] else None, DAY_CODES.index(match[2])))
    return tuple(sorted(days, key=lambda nd: (nd[1], nd[0] or 0)))


def _check_combination(rule: _Rule) -> None:
    # Besides RFC 5545's own restrictions, refuse combinations that can never (or only
    # by the anchor's luck) produce a date: dateutil would search to the year 9999.
    if rule.count is not None and rule.until is not None:
        raise CadenceError(_("Use either COUNT or UNTIL, not both."))
    if rule.bymonthday and rule.freq == "WEEKLY":
        raise CadenceError(_("BYMONTHDAY cannot be used with FREQ=WEEKLY."))
    ordinals = [abs(n) for n, _ in rule.byday if n is not None]
    if ordinals:
        if rule.freq not in ("MONTHLY", "YEARLY"):
            raise CadenceError(_("Numbered weekdays (like 1MO) need FREQ=MONTHLY or YEARLY."))
        if rule.bymonthday:
            raise CadenceError(_("Numbered weekdays cannot be combined with BYMONTHDAY."))
        most = 53 if rule.freq == "YEARLY" and not rule.bymonth else 5
        if max(ordinals) > most:
            raise CadenceError(_("Numbered weekdays go from 1 to %(most)d here.", most=most))
    if rule.interval > 1:
        if rule.freq == "DAILY" and (rule.byday or rule.bymonth or rule.bymonthday):
            raise CadenceError(_("“Every N days” cannot be narrowed to particular days."))
        if rule.freq == "MONTHLY" and rule.bymonth:
            raise CadenceError(_("“Every N months” cannot be narrowed to particular months."))
        if rule.freq in ("MONTHLY", "YEARLY") and (
            any(abs(d) > 28 for d in rule.bymonthday) or any(n > 4 for n in ordinals)
        ):
            raise CadenceError(_("With an interval, pick days of the month up to the 28th."))
    if rule.bymonthday:
        months = rule.bymonth or range(1, 13)
        if not any(abs(d) <= _MONTH_LENGTHS[m - 1] for m in months for d in rule.bymonthday):
            raise CadenceError(_("Those days of the month never happen in those months."))


def validate_rrule(rrule: str) -> str:
    """Check an RRULE and return it in our normal form (upper case, fixed part order).

    Raises CadenceError for bad syntax, a missing FREQ, anything more often than daily,
    COUNT above 1000, and parts or combinations we do not support.
    """
    rule = _parse(rrule)
    normal = str(rule)
    try:
        rrulestr(normal, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:  # belt and braces: our checks should catch it
        raise CadenceError(_("This repeat rule is not valid: %(error)s", error=exc)) from None
    return normal


# --- Cadence <-> RRULE -------------------------------------------------------------------


def to_rrule(c: Cadence) -> str | None:
    """The RRULE for a cadence; None means "as needed" (no schedule)."""
    if c.kind == "as_needed":
        return None
    if c.kind == "once":
        return "FREQ=DAILY;COUNT=1"
    if c.kind == "daily":
        return "FREQ=DAILY"
    if c.kind == "monthly":
        return f"FREQ=MONTHLY;BYMONTHDAY={c.month_day}"
    days = _WEEKDAYS if c.kind == "weekdays" else c.days
    interval = f"INTERVAL={c.interval};" if c.kind == "every_n_weeks" else ""
    return f"FREQ=WEEKLY;{interval}BYDAY=" + ",".join(DAY_CODES[d] for d in days)


def _no_cadence(rule: _Rule) -> CadenceError:
    return CadenceError(_("The repeat rule “%(rule)s” has no matching cadence.", rule=str(rule)))


def from_rrule(rrule: str | None) -> Cadence:
    """The cadence an RRULE expresses; CadenceError if it is invalid or has no cadence."""
    if rrule is None:
        return Cadence("as_needed")
    rule = _parse(rrule)
    unsupported = _no_cadence(rule)
    plain_days = tuple(d for n, d in rule.byday if n is None)
    if rule.until is not None or rule.bymonth or len(plain_days) != len(rule.byday):
        raise unsupported
    if rule.count is not None:
        if rule.count == 1 and rule.interval == 1 and not (rule.byday or rule.bymonthday):
            return Cadence("once")
        raise unsupported
    if rule.freq == "DAILY" and rule.interval == 1 and not rule.bymonthday:
        # FREQ=DAILY;BYDAY=... is the same set of dates as FREQ=WEEKLY;BYDAY=...
        return Cadence("weekly", plain_days) if plain_days else Cadence("daily")
    if rule.freq == "WEEKLY" and plain_days:
        if rule.interval == 1:
            return Cadence("weekly", plain_days)
        if rule.wkst and len(plain_days) > 1:
            # The week start decides which days share a fortnight; we only keep Monday.
            raise unsupported
        return Cadence("every_n_weeks", plain_days, rule.interval)
    monthly = rule.freq == "MONTHLY" and rule.interval == 1 and not rule.byday
    if monthly and len(rule.bymonthday) == 1:
        return Cadence("monthly", month_day=rule.bymonthday[0])
    raise unsupported


_FIXED_DESCRIPTIONS = {
    "daily": _l("Every day"),
    "weekdays": _l("Weekdays"),
    "as_needed": _l("As needed"),
    "once": _l("Once"),
}


def describe(c: Cadence) -> str:
    """A short description in the reader's language, e.g. "Every 2 weeks on Sat"."""
    names = weekday_names("abbreviated")
    days = ", ".join(names[d] for d in c.days)
    if c.kind == "weekly":
        return days
    if c.kind == "every_n_weeks":
        return str(
            _n("Every week on %(days)s", "Every %(num)d weeks on %(days)s", c.interval, days=days)
        )
    if c.kind == "monthly":
        if c.month_day == -1:
            return str(_("Monthly on the last day"))
        day = _ordinal(cast(int, c.month_day))  # set for monthly
        return str(_("Monthly on the %(day)s", day=day))
    return str(_FIXED_DESCRIPTIONS[c.kind])


def _ordinal(n: int) -> str:
    """1st, 2nd, 23rd, 11th: in German "1.", in Spanish "1"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    # NOTE: A day of the month as an ordinal: "1st" (German "1.", Spanish "1").
    if suffix == "st":
        return str(_("%(day)dst", day=n))
    if suffix == "nd":
        return str(_("%(day)dnd", day=n))
    if suffix == "rd":
        return str(_("%(day)drd", day=n))
    return str(_("%(day)dth", day=n))


# --- Expansion ---------------------------------------------------------------------------


def occurrences_between(rrule: str | None, anchor: date, start: date, end: date) -> list[date]:
    """The dates in [start, end) on which the rule falls, expanded from anchor (DTSTART).

    The anchor is the first date an occurrence may have; for every-N-weeks it fixes
    which weeks are "on", and for "once" it is the date itself. "As needed" (None)
    never falls on a date.
    """
    if rrule is None or start >= end or end <= anchor:
        return []
    rule = _parse(rrule)
    dtstart = _fast_forward(rule, anchor, start)
    # WKST is explicit so that dateutil does not fall back to calendar.firstweekday().
    text = f"{rule};WKST=MO" if not rule.wkst else str(rule)
    expanded = rrulestr(text, dtstart=datetime.combine(dtstart, time()))
    found = expanded.between(
        datetime.combine(start, time()), datetime.combine(end, time()), inc=True
    )
    return [d.date() for d in found if d.date() < end]


def _fast_forward(rule: _Rule, anchor: date, start: date) -> date:
    """A later DTSTART with the same phase, so expansion need not walk from a years-old anchor.

    Only for daily and weekly rules without COUNT: their occurrences depend on DTSTART
    only through its position modulo the period, which a whole number of periods keeps.
    """
    if rule.count is not None or rule.freq not in ("DAILY", "WEEKLY") or start <= anchor:
        return anchor
    period = rule.interval * (7 if rule.freq == "WEEKLY" else 1)
    periods = (start - anchor).days // period
    return anchor + timedelta(days=periods * period)


def occurrences_per_week_estimate(rrule: str | None) -> float:
    """Average occurrences per week, for inventory totals.

    "As needed" and "once" count as 0: neither recurs. Rules with no matching
    cadence are estimated by expanding four years.
    """
    try:
        c = from_rrule(rrule)
    except CadenceError:
        start, end = date(2024, 1, 1), date(2028, 1, 1)
        found = occurrences_between(rrule, start, start, end)
        return len(found) * 7 / (end - start).days
    if c.kind == "daily":
        return 7.0
    if c.kind == "weekdays":
        return 5.0
    if c.kind in ("weekly", "every_n_weeks"):
        return len(c.days) / c.interval
    if c.kind == "monthly":
        return 1 / _WEEKS_PER_MONTH
    return 0.0
