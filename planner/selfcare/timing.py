"""Week maths for self-care and feeds, on top of planner.domain.week (the household's zone)."""

from __future__ import annotations

from datetime import date, datetime

from planner.domain import week as week_maths


def day_in_week(week_start: date, weekday: int) -> date:
    return week_maths.next_weekday_on_or_after(week_start, weekday)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
