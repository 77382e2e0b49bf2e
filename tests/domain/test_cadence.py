from datetime import date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.domain.cadence import (
    CADENCE_KINDS,
    Cadence,
    CadenceError,
    describe,
    from_rrule,
    occurrences_between,
    occurrences_per_week_estimate,
    to_rrule,
    validate_rrule,
)

MON = date(2026, 3, 2)  # a Monday

days = st.sets(st.integers(0, 6), min_size=1).map(tuple)
cadences = st.one_of(
    st.sampled_from(["daily", "weekdays", "as_needed", "once"]).map(Cadence),
    st.builds(Cadence, st.just("weekly"), days),
    st.builds(Cadence, st.just("every_n_weeks"), days, st.integers(2, 12)),
    st.builds(
        lambda d: Cadence("monthly", month_day=d), st.one_of(st.integers(1, 28), st.just(-1))
    ),
)
recent_dates = st.dates(date(2000, 1, 1), date(2040, 12, 31))


EVERY_KIND = [
    (Cadence("daily"), "FREQ=DAILY", "Every day"),
    (Cadence("weekdays"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Weekdays"),
    (Cadence("weekly", (0, 3)), "FREQ=WEEKLY;BYDAY=MO,TH", "Mon, Thu"),
    (Cadence("weekly", (6,)), "FREQ=WEEKLY;BYDAY=SU", "Sun"),
    (Cadence("every_n_weeks", (5,), 2), "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "Every 2 weeks on Sat"),
    (Cadence("monthly", month_day=1), "FREQ=MONTHLY;BYMONTHDAY=1", "Monthly on the 1st"),
    (Cadence("monthly", month_day=22), "FREQ=MONTHLY;BYMONTHDAY=22", "Monthly on the 22nd"),
    (Cadence("monthly", month_day=-1), "FREQ=MONTHLY;BYMONTHDAY=-1", "Monthly on the last day"),
    (Cadence("as_needed"), None, "As needed"),
    (Cadence("once"), "FREQ=DAILY;COUNT=1", "Once"),
]


def test_the_table_covers_every_kind():
    assert {c.kind for c, _, _ in EVERY_KIND} == set(CADENCE_KINDS)


@pytest.mark.parametrize(("cadence", "rrule", "text"), EVERY_KIND)
def test_each_kind_has_a_rule_and_a_description(cadence, rrule, text):
    assert to_rrule(cadence) == rrule
    assert from_rrule(rrule) == cadence
    assert describe(cadence) == text


@pytest.mark.parametrize(
    ("day", "text"), [(2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (13, "13th"), (21, "21st")]
)
def test_month_day_ordinals(day, text):
    assert describe(Cadence("monthly", month_day=day)) == f"Monthly on the {text}"


def test_cadence_normalises_so_equal_schedules_compare_equal():
    assert Cadence("weekly", (3, 0, 3)) == Cadence("weekly", (0, 3))
    assert Cadence("weekly", (4, 3, 2, 1, 0)) == Cadence("weekdays")
    assert Cadence("weekly", tuple(range(7))) == Cadence("daily")
    assert Cadence("daily", days=(1,), interval=3, month_day=5) == Cadence("daily")
    assert Cadence("weekly", (1,), interval=4).interval == 1
    assert Cadence("every_n_weeks", tuple(range(7)), 2).kind == "every_n_weeks"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Cadence("fortnightly"),
        lambda: Cadence("weekly"),
        lambda: Cadence("weekly", (7,)),
        lambda: Cadence("weekly", (-1,)),
        lambda: Cadence("weekly", (True,)),
        lambda: Cadence("weekly", 3),
        lambda: Cadence("every_n_weeks", (0,), 1),
        lambda: Cadence("every_n_weeks", (0,), 13),
        lambda: Cadence("every_n_weeks", ()),
        lambda: Cadence("monthly"),
        lambda: Cadence("monthly", month_day=0),
        lambda: Cadence("monthly", month_day=29),
        lambda: Cadence("monthly", month_day=31),
        lambda: Cadence("monthly", month_day=-2),
        lambda: Cadence("monthly", month_day="1"),
    ],
)
def test_invalid_cadences_are_refused_with_a_message(make):
    with pytest.raises(CadenceError) as raised:
        make()
    assert str(raised.value).endswith(".")


@given(cadences)
def test_round_trip(cadence):
    rule = to_rrule(cadence)
    assert from_rrule(rule) == cadence
    if rule is not None:
        assert validate_rrule(rule) == rule  # stored rules are already in normal form


@pytest.mark.parametrize(
    ("rrule", "cadence"),
    [
        ("rrule:freq=weekly;byday=th,mo", Cadence("weekly", (0, 3))),
        (" BYDAY=SA ; FREQ=WEEKLY ; INTERVAL=2 ; WKST=MO ", Cadence("every_n_weeks", (5,), 2)),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=SA;WKST=SU", Cadence("every_n_weeks", (5,), 3)),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=SU", Cadence("weekly", (0,))),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", Cadence("weekdays")),
        ("FREQ=DAILY;BYDAY=SA,SU", Cadence("weekly", (5, 6))),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", Cadence("daily")),
        ("FREQ=WEEKLY;COUNT=1", Cadence("once")),
        ("FREQ=DAILY;", Cadence("daily")),
    ],
)
def test_equivalent_spellings_are_understood(rrule, cadence):
    assert from_rrule(rrule) == cadence


@pytest.mark.parametrize(
    "rrule",
    [
        "FREQ=DAILY;INTERVAL=2",
        "FREQ=DAILY;COUNT=2",
        "FREQ=DAILY;UNTIL=20261231",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=13;BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;WKST=SU",
        "FREQ=WEEKLY;BYMONTH=6;BYDAY=MO",
        "FREQ=MONTHLY",
        "FREQ=MONTHLY;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",
        "FREQ=HOURLY",
        "nonsense",
        "",
    ],
)
def test_rules_without_a_cadence_are_refused(rrule):
    with pytest.raises(CadenceError):
        from_rrule(rrule)


@pytest.mark.parametrize(
    ("rrule", "normal"),
    [
        ("freq=weekly;byday=th,mo,th", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("RRULE:FREQ=DAILY;INTERVAL=1;WKST=MO", "FREQ=DAILY"),
        ("BYDAY=+1MO,-1FR;FREQ=MONTHLY", "FREQ=MONTHLY;BYDAY=1MO,-1FR"),
        ("FREQ=DAILY;UNTIL=20261231T235959Z", "FREQ=DAILY;UNTIL=20261231"),
        ("FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;WKST=SU",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;WKST=SU",
        ),
        ("FREQ=DAILY;COUNT=1000", "FREQ=DAILY;COUNT=1000"),
    ],
)
def test_validate_returns_the_normal_form(rrule, normal):
    assert validate_rrule(rrule) == normal
    assert validate_rrule(normal) == normal


@pytest.mark.parametrize(
    "rrule",
    [
        "",
        "   ",
        "RRULE:",
        "FREQ=HOURLY",
        "FREQ=MINUTELY",
        "FREQ=SECONDLY;COUNT=5",
        "FREQ=FORTNIGHTLY",
        "BYDAY=MO",
        "FREQ",
        "FREQ=",
        "FREQ=DAILY;FREQ=WEEKLY",
        "FREQ=DAILY;FOO=1",
        "FREQ=DAILY;X-NAME=1",
        "FREQ=DAILY;COUNT=0",
        "FREQ=DAILY;COUNT=1001",
        "FREQ=DAILY;COUNT=-1",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;INTERVAL=abc",
        "FREQ=DAILY;INTERVAL=2,3",
        "FREQ=DAILY;COUNT=2;UNTIL=20270101",
        "FREQ=DAILY;UNTIL=20261332",
        "FREQ=DAILY;UNTIL=tomorrow",
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=DAILY;BYMINUTE=0",
        "FREQ=YEARLY;BYYEARDAY=100",
        "FREQ=YEARLY;BYWEEKNO=20",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;BYDAY=0MO",
        "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=WEEKLY;BYMONTHDAY=1",
        "FREQ=WEEKLY;WKST=XX;BYDAY=MO",
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=MONTHLY;BYDAY=6MO",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=10MO",
        "FREQ=YEARLY;BYDAY=54MO",
        # Rules that could never happen, which would make dateutil search to the year 9999:
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31,-31",
        "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=13",
        "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
        "FREQ=MONTHLY;INTERVAL=12;BYMONTH=6",
        "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;INTERVAL=24;BYDAY=5MO",
        "FREQ=DAILY\nFREQ=WEEKLY",
        "FREQ=DAILY;" + "BYMONTH=1;" * 40,
    ],
)
def test_validate_refuses_junk_with_a_message(rrule):
    with pytest.raises(CadenceError) as raised:
        validate_rrule(rrule)
    assert str(raised.value)


@pytest.mark.parametrize("value", [None, 5, b"FREQ=DAILY"])
def test_validate_refuses_non_text(value):
    with pytest.raises(CadenceError):
        validate_rrule(value)


def between(rrule, anchor, start, end):
    return occurrences_between(rrule, anchor, start, end)


def test_daily_weekdays_and_weekly_in_one_week():
    week = [MON + timedelta(days=i) for i in range(7)]
    end = MON + timedelta(days=7)
    assert between("FREQ=DAILY", MON, MON, end) == week
    assert between(to_rrule(Cadence("weekdays")), MON, MON, end) == week[:5]
    assert between("FREQ=WEEKLY;BYDAY=MO,TH", MON, MON, end) == [week[0], week[3]]


def test_the_anchor_is_the_first_possible_date_and_end_is_exclusive():
    anchor = MON + timedelta(days=2)
    assert between("FREQ=DAILY", anchor, MON, anchor + timedelta(days=2)) == [
        anchor,
        anchor + timedelta(days=1),
    ]
    assert between("FREQ=DAILY", anchor, MON, anchor) == []
    assert between("FREQ=DAILY", MON, MON, MON) == []
    assert between("FREQ=DAILY", MON, MON + timedelta(days=3), MON) == []


def test_every_n_weeks_takes_its_phase_from_the_anchor():
    rule = to_rrule(Cadence("every_n_weeks", (5,), 2))
    saturdays = [MON + timedelta(days=5 + 7 * i) for i in range(6)]
    window = (MON, MON + timedelta(weeks=6))
    assert between(rule, MON, *window) == saturdays[0::2]
    assert between(rule, MON + timedelta(weeks=1), *window) == saturdays[1::2]
    # Ten years later the phase still holds.
    later = MON + timedelta(weeks=520)
    assert between(rule, MON, later, later + timedelta(weeks=1)) == [later + timedelta(days=5)]


def test_every_n_weeks_groups_days_by_weeks_starting_monday():
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU"
    found = between(rule, MON, MON, MON + timedelta(weeks=4))
    assert found == [
        MON,
        MON + timedelta(days=6),
        MON + timedelta(days=14),
        MON + timedelta(days=20),
    ]


def test_monthly_last_day_and_first():
    last = to_rrule(Cadence("monthly", month_day=-1))
    assert between(last, date(2026, 1, 1), date(2026, 1, 1), date(2026, 5, 1)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert between(last, date(2028, 1, 1), date(2028, 2, 1), date(2028, 3, 1)) == [
        date(2028, 2, 29)
    ]
    first = to_rrule(Cadence("monthly", month_day=1))
    assert between(first, date(2026, 1, 15), date(2026, 1, 1), date(2026, 3, 2)) == [
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]


def test_once_falls_on_its_anchor_only():
    once = to_rrule(Cadence("once"))
    day = date(2026, 7, 14)
    assert between(once, day, date(2026, 7, 13), date(2026, 7, 20)) == [day]
    assert between(once, day, date(2026, 7, 15), date(2026, 8, 1)) == []
    assert between(once, day, date(2026, 7, 1), day) == []


def test_as_needed_never_falls_on_a_date():
    assert between(None, MON, MON, MON + timedelta(days=365)) == []


def test_until_is_inclusive():
    rule = "FREQ=DAILY;UNTIL=20260304"
    assert between(rule, MON, MON, MON + timedelta(days=7)) == [
        MON,
        MON + timedelta(days=1),
        MON + timedelta(days=2),
    ]


def test_occurrences_refuse_junk():
    with pytest.raises(CadenceError):
        between("FREQ=HOURLY", MON, MON, MON + timedelta(days=1))


def reference(rrule, anchor, start, end):
    """Plain dateutil expansion from the anchor, with the RFC's default week start."""
    rule = validate_rrule(rrule)
    rule += "" if "WKST=" in rule else ";WKST=MO"
    expanded = rrulestr(rule, dtstart=datetime.combine(anchor, time()))
    found = expanded.between(
        datetime.combine(start, time()), datetime.combine(end, time()), inc=True
    )
    return [d.date() for d in found if d.date() < end]


@settings(deadline=None)
@given(cadences, recent_dates, recent_dates, st.integers(0, 60))
def test_occurrences_match_plain_dateutil_expansion(cadence, anchor, start, length):
    rule = to_rrule(cadence)
    end = start + timedelta(days=length)
    found = between(rule, anchor, start, end)
    assert found == sorted(set(found))
    assert all(max(start, anchor) <= d < end for d in found)
    if rule is not None:
        assert found == reference(rule, anchor, start, end)


extra_rules = st.sampled_from(
    [
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;WKST=SU",
        "FREQ=WEEKLY;INTERVAL=3",
        "FREQ=WEEKLY;BYMONTH=1,7;BYDAY=TU",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=DAILY;COUNT=10",
        "FREQ=DAILY;UNTIL=20200101",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    ]
)


@settings(deadline=None)
@given(extra_rules, recent_dates, recent_dates, st.integers(0, 60))
def test_other_valid_rules_match_plain_dateutil_expansion(rule, anchor, start, length):
    end = start + timedelta(days=length)
    assert between(rule, anchor, start, end) == reference(rule, anchor, start, end)


@given(cadences, recent_dates, recent_dates, st.integers(1, 8))
def test_whole_cycles_hold_the_weekly_estimate(cadence, anchor, offset, cycles):
    assume(cadence.kind in ("daily", "weekdays", "weekly", "every_n_weeks"))
    start = max(anchor, offset)
    weeks = cycles * cadence.interval
    found = between(to_rrule(cadence), anchor, start, start + timedelta(weeks=weeks))
    assert len(found) == pytest.approx(occurrences_per_week_estimate(to_rrule(cadence)) * weeks)


@pytest.mark.parametrize(
    ("rrule", "per_week"),
    [
        ("FREQ=DAILY", 7),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 5),
        ("FREQ=WEEKLY;BYDAY=MO,TH", 2),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", 0.5),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE,FR", 1),
        ("FREQ=MONTHLY;BYMONTHDAY=1", 0.23),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", 0.23),
        (None, 0),
        ("FREQ=DAILY;COUNT=1", 0),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", 1 / 52.18),
        ("FREQ=DAILY;INTERVAL=2", 3.5),
    ],
)
def test_per_week_estimate(rrule, per_week):
    assert occurrences_per_week_estimate(rrule) == pytest.approx(per_week, abs=0.005)


def test_per_week_estimate_refuses_junk():
    with pytest.raises(CadenceError):
        occurrences_per_week_estimate("FREQ=SECONDLY")


spellings = st.builds(
    lambda freq, byday, interval, wkst, order, lower: _spell(
        freq, byday, interval, wkst, order, lower
    ),
    st.sampled_from(["DAILY", "WEEKLY"]),
    st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=1),
    st.integers(1, 12),
    st.booleans(),
    st.randoms(use_true_random=False),
    st.booleans(),
)


def _spell(freq, byday, interval, wkst, order, lower):
    parts = [f"FREQ={freq}", "BYDAY=" + ",".join(sorted(byday))]
    if freq == "WEEKLY":
        parts.append(f"INTERVAL={interval}")
    if wkst:
        parts.append("WKST=MO")
    order.shuffle(parts)
    text = ";".join(parts)
    return text.lower() if lower else text


@given(spellings, recent_dates, recent_dates)
def test_any_spelling_means_the_same_dates_as_its_cadence(rrule, anchor, start):
    end = start + timedelta(weeks=4)
    canonical = to_rrule(from_rrule(rrule))
    assert between(canonical, anchor, start, end) == between(rrule, anchor, start, end)
