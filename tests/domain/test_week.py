from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain.week import (
    current_week_start,
    local_to_utc,
    next_weekday_on_or_after,
    utc_to_local,
    week_bounds_utc,
    week_days,
    week_label,
    week_start_for,
)

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "Pacific/Auckland",
]
zones = st.sampled_from(ZONES).map(ZoneInfo)
days = st.dates(date(2000, 1, 1), date(2060, 12, 31))
weekdays = st.integers(0, 6)
wall_times = st.times()
instants = st.datetimes(datetime(2000, 1, 1), datetime(2060, 12, 31), timezones=st.just(UTC))
HOUR = timedelta(hours=1)
NEW_YORK = ZoneInfo("America/New_York")


@given(days, weekdays)
def test_week_start_for_is_the_right_weekday_on_or_before(day, week_start):
    start = week_start_for(day, week_start)
    assert start.weekday() == week_start
    assert 0 <= (day - start).days <= 6
    assert week_start_for(start, week_start) == start
    assert week_start_for(start + timedelta(days=6), week_start) == start


def test_week_start_for_examples():
    thursday = date(2026, 11, 26)
    assert week_start_for(thursday, 0) == date(2026, 11, 23)
    assert week_start_for(thursday, 6) == date(2026, 11, 22)
    assert week_start_for(thursday, 3) == thursday
    assert week_start_for(thursday, 4) == date(2026, 11, 20)


@pytest.mark.parametrize("bad", [-1, 7, True, 1.0, "0", None])
def test_weekday_arguments_are_checked(bad):
    with pytest.raises(ValueError):
        week_start_for(date(2026, 1, 1), bad)
    with pytest.raises(ValueError):
        next_weekday_on_or_after(date(2026, 1, 1), bad)


@given(days)
def test_week_days_are_seven_consecutive_dates(start):
    seven = week_days(start)
    assert seven[0] == start
    assert [(b - a).days for a, b in zip(seven, seven[1:], strict=False)] == [1] * 6


@given(days, weekdays)
def test_next_weekday_on_or_after(day, weekday):
    found = next_weekday_on_or_after(day, weekday)
    assert found.weekday() == weekday
    assert 0 <= (found - day).days <= 6


def test_next_weekday_examples():
    monday = date(2026, 11, 23)
    assert next_weekday_on_or_after(monday, 0) == monday
    assert next_weekday_on_or_after(monday, 6) == date(2026, 11, 29)
    assert next_weekday_on_or_after(date(2026, 11, 29), 0) == date(2026, 11, 30)


@given(zones, days, weekdays)
def test_weeks_are_contiguous_and_as_long_as_the_clocks_say(tz, day, week_start):
    start_day = week_start_for(day, week_start)
    start, end = week_bounds_utc(start_day, tz)
    next_start, _ = week_bounds_utc(start_day + timedelta(days=7), tz)
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert end == next_start
    local_start, local_end = utc_to_local(start, tz), utc_to_local(end, tz)
    assert (local_start.date(), local_start.time()) == (start_day, time(0))
    assert (local_end.date(), local_end.time()) == (start_day + timedelta(days=7), time(0))
    shift = local_end.utcoffset() - local_start.utcoffset()
    assert end - start == timedelta(hours=168) - shift
    assert end - start in (167 * HOUR, 168 * HOUR, 169 * HOUR)


@pytest.mark.parametrize(
    ("zone", "start_day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 23), 167),
        ("Europe/Berlin", date(2026, 10, 19), 169),
        ("Europe/Berlin", date(2026, 6, 1), 168),
        ("America/New_York", date(2026, 3, 8), 167),  # a Sunday-start week
        ("America/New_York", date(2026, 11, 1), 169),
        ("Australia/Sydney", date(2026, 9, 28), 167),
        ("Australia/Sydney", date(2026, 3, 30), 169),
        ("Pacific/Auckland", date(2026, 9, 21), 167),
        ("Pacific/Auckland", date(2026, 3, 30), 169),
        ("Asia/Kolkata", date(2026, 3, 23), 168),
    ],
)
def test_weeks_with_a_clock_change(zone, start_day, hours):
    start, end = week_bounds_utc(start_day, ZoneInfo(zone))
    assert end - start == timedelta(hours=hours)


def test_berlin_week_bounds_in_utc():
    assert week_bounds_utc(date(2026, 3, 23), ZoneInfo("Europe/Berlin")) == (
        datetime(2026, 3, 22, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
    )


def test_a_week_starting_in_a_midnight_gap_starts_when_the_day_does():
    # Chile moves its clocks forward at midnight, so that Sunday begins at 01:00.
    santiago = ZoneInfo("America/Santiago")
    start, end = week_bounds_utc(date(2026, 9, 6), santiago)
    assert utc_to_local(start, santiago).replace(tzinfo=None) == datetime(2026, 9, 6, 1, 0)
    assert end - start == timedelta(hours=167)
    assert week_bounds_utc(date(2026, 8, 30), santiago)[1] == start


def test_local_to_utc_in_ordinary_time():
    assert local_to_utc(date(2026, 7, 1), time(9, 30), NEW_YORK) == datetime(
        2026, 7, 1, 13, 30, tzinfo=UTC
    )
    fixed = timezone(timedelta(hours=5, minutes=30))
    assert local_to_utc(date(2026, 7, 1), time(9, 30), fixed) == datetime(
        2026, 7, 1, 4, 0, tzinfo=UTC
    )


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap():
    spring = date(2026, 3, 8)
    expected = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert local_to_utc(spring, time(2, 30), NEW_YORK) == expected
    assert local_to_utc(spring, time(2, 30, fold=1), NEW_YORK) == expected
    assert utc_to_local(expected, NEW_YORK).time() == time(3, 30)


def test_a_repeated_autumn_time_means_the_first_unless_fold_is_set():
    autumn = date(2026, 11, 1)
    first = local_to_utc(autumn, time(1, 30), NEW_YORK)
    second = local_to_utc(autumn, time(1, 30, fold=1), NEW_YORK)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert second == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert local_to_utc(date(2026, 7, 1), time(9, 30, fold=1), NEW_YORK) == datetime(
        2026, 7, 1, 13, 30, tzinfo=UTC
    )


def test_local_to_utc_refuses_an_aware_time():
    with pytest.raises(ValueError):
        local_to_utc(date(2026, 7, 1), time(9, 30, tzinfo=UTC), NEW_YORK)


def test_utc_to_local_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        utc_to_local(datetime(2026, 7, 1, 9, 30), NEW_YORK)


@given(instants, zones)
def test_utc_to_local_and_back_is_exact(instant, tz):
    local = utc_to_local(instant, tz)
    assert local_to_utc(local.date(), local.time(), tz) == instant


@given(days, wall_times, zones)
def test_local_to_utc_keeps_the_wall_time_or_moves_it_forward(day, wall, tz):
    instant = local_to_utc(day, wall, tz)
    assert instant.tzinfo is UTC
    asked = datetime.combine(day, wall)
    got = utc_to_local(instant, tz).replace(tzinfo=None, fold=0)
    assert asked <= got <= asked + HOUR
    if got == asked:  # the time exists, so the round trip is exact
        assert local_to_utc(got.date(), got.time(), tz) == instant


def test_current_week_start_uses_the_household_zone():
    sunday_night_utc = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert current_week_start(sunday_night_utc, ZoneInfo("Europe/Berlin"), 0) == date(2026, 11, 30)
    assert current_week_start(sunday_night_utc, NEW_YORK, 0) == date(2026, 11, 23)
    assert current_week_start(sunday_night_utc, NEW_YORK, 6) == date(2026, 11, 29)


@given(instants, zones, weekdays)
def test_current_week_start_contains_now(instant, tz, week_start):
    start = current_week_start(instant, tz, week_start)
    week_start_utc, week_end_utc = week_bounds_utc(start, tz)
    assert week_start_utc <= instant < week_end_utc


@pytest.mark.parametrize(
    ("start", "label"),
    [
        (date(2026, 11, 23), "23 – 29 Nov 2026"),
        (date(2026, 11, 30), "30 Nov – 6 Dec 2026"),
        (date(2026, 12, 28), "28 Dec 2026 – 3 Jan 2027"),
        (date(2026, 9, 1), "1 – 7 Sept 2026"),  # CLDR en_GB: "Sept"
    ],
)
def test_week_label(start, label):
    assert week_label(start) == label
