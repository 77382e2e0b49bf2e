"""Week maths for self-care and feeds, on top of planner.domain.week (the household's zone)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from planner.database import utcnow
from planner.domain import week as week_maths

EARLIEST, LATEST = date(2000, 1, 1), date(9998, 12, 31)  # weeks a URL may name


def week_start_of(day: date, week_start_day: int) -> date:
    """The first day (the household's week-start weekday) of the week holding `day`."""
    return week_maths.week_start_for(day, week_start_day)


def current_week_start(household, now: datetime | None = None) -> date:
    """`household` needs only `tz` and `week_start` (the feed path passes a light stand-in)."""
    return week_maths.current_week_start(now or utcnow(), household.tz, household.week_start)


def day_in_week(week_start: date, weekday: int) -> date:
    return week_maths.next_weekday_on_or_after(week_start, weekday)


def local_start(tz: ZoneInfo, day: date, at: time) -> datetime:
    """A local wall time on `day` as an aware UTC instant (RFC 5545 rules at DST changes)."""
    return week_maths.local_to_utc(day, at, tz)


def week_bounds(household, week_start: date) -> tuple[datetime, datetime]:
    return week_maths.week_bounds_utc(week_start, household.tz)


def parse_week(value: str, week_start_day: int) -> date | None:
    """A week given in a URL as YYYY-MM-DD; any day of the week is accepted."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if not EARLIEST <= day <= LATEST:
        return None  # the page's week maths (a week either side) would leave the calendar
    return week_start_of(day, week_start_day)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
