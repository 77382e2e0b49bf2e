"""Week maths in the household's time zone.

A household's week runs from local midnight on its week-start day to local midnight
seven days later, so in UTC a week that contains a daylight-saving change is 167 or
169 hours long. Local wall times are turned into instants the way RFC 5545 (3.3.5)
asks of calendar apps, so our reminders agree with the events in members' calendars:

* a time skipped by a spring-forward change is read with the offset from before the
  change, which moves it forward by the gap (02:30 becomes 03:30);
* a time repeated by a fall-back change means its first occurrence (fold=0), unless
  the caller passes a time with fold=1 for the second.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from planner.i18n import _, moment


def _check_weekday(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValueError(f"{name} must be 0 (Monday) to 6 (Sunday), not {value!r}")


def week_start_for(day: date, week_start: int) -> date:
    """The first day of the week holding `day`, for weeks starting on `week_start` (0=Mon)."""
    _check_weekday(week_start, "week_start")
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def week_days(week_start_date: date) -> list[date]:
    """The seven dates of the week that begins on `week_start_date`."""
    return [week_start_date + timedelta(days=i) for i in range(7)]


def next_weekday_on_or_after(day: date, weekday: int) -> date:
    """The first date on or after `day` falling on `weekday` (0=Mon..6=Sun)."""
    _check_weekday(weekday, "weekday")
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def local_to_utc(day: date, t: time, tz: tzinfo) -> datetime:
    """The aware UTC instant of wall time `t` on `day` in `tz` (see the module notes on DST)."""
    if t.tzinfo is not None:
        raise ValueError("local_to_utc takes a wall-clock time without tzinfo")
    first = datetime.combine(day, t.replace(fold=0), tzinfo=tz)
    if t.fold:
        second = first.replace(fold=1)
        # Only an ambiguous time has a real second reading; in a gap fold=1 would move
        # the time backwards, against the forward rule.
        if second.utcoffset() != first.utcoffset() and _exists(second):
            return second.astimezone(UTC)
    return first.astimezone(UTC)


def _exists(local: datetime) -> bool:
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None, fold=0) == local.replace(tzinfo=None, fold=0)


def utc_to_local(dt: datetime, tz: tzinfo) -> datetime:
    """`dt` (aware) as wall time in `tz`; fold=1 marks the second of a repeated hour."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("utc_to_local needs an aware datetime; naive times are ambiguous")
    return dt.astimezone(tz)


def week_bounds_utc(week_start_date: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The week as aware UTC instants [start, end): local midnight to local midnight."""
    midnight = time(0)
    return (
        local_to_utc(week_start_date, midnight, tz),
        local_to_utc(week_start_date + timedelta(days=7), midnight, tz),
    )


def current_week_start(now_utc: datetime, tz: tzinfo, week_start: int) -> date:
    """The first day of the household's week at the instant `now_utc`."""
    return week_start_for(utc_to_local(now_utc, tz).date(), week_start)


# Dates a member can reach (weeks, moves, one-offs, start dates): whole years either side.
WINDOW_YEARS = 5


def reachable_dates(today: date, years: int = WINDOW_YEARS) -> tuple[date, date]:
    """The first and last date a member may name: 1 January `years` years before `today`'s
    year to 31 December `years` years after it. Everything built from a date in it (week
    bounds, a week either side, VTIMEZONE years ahead) stays far inside the calendar."""
    if years < 0:
        raise ValueError(f"years must not be negative, not {years!r}")
    return date(today.year - years, 1, 1), date(today.year + years, 12, 31)


def week_reachable(week_start_date: date, today: date) -> bool:
    """Whether the week beginning `week_start_date` has a day in `reachable_dates(today)`."""
    first, last = reachable_dates(today)
    return first - timedelta(days=6) <= week_start_date <= last


def window_text(today: date) -> str:
    """The window in words, for messages: "1 Jan 2021 and 31 Dec 2031"."""
    first, last = reachable_dates(today)
    text: str = _(
        "%(first)s and %(last)s",
        first=moment(first, "short_year_date"),
        last=moment(last, "short_year_date"),
    )
    return text


def week_label(week_start_date: date) -> str:
    """E.g. "23 – 29 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027", in the
    current language's own date forms (English as CLDR has it: "1 – 7 Sept 2026")."""
    first, last = week_start_date, week_start_date + timedelta(days=6)
    end = moment(last, "short_year_date")
    text: str
    if first.year != last.year:
        text = _("%(first)s – %(last)s", first=moment(first, "short_year_date"), last=end)
    elif first.month != last.month:
        text = _("%(first)s – %(last)s", first=moment(first, "date"), last=end)
    else:
        # Only the first day's number, then the month and year once ("23 – 29 Nov 2026").
        text = _("%(day)s – %(last)s", day=first.day, last=end)
    return text


def open_day(week_start: date, asked: str | None, today: date) -> date:
    """The day the week opens on: the one asked for (?day=YYYY-MM-DD) when it is in the
    week, else today when it is, else the week's first day."""
    try:
        wanted = date.fromisoformat(asked) if asked else None
    except ValueError:
        wanted = None
    for day in (wanted, today):
        if day is not None and week_start <= day < week_start + timedelta(days=7):
            return day
    return week_start
