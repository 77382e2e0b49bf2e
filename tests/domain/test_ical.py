import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planner.domain.ical import FeedEvent, FeedOverride, build_calendar, build_event_ics

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(zone, y, m, d, hh=7, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=zone)


def weekly(zone, first, *, weeks=6, hour=7, **kwargs):
    """A weekly one-hour slot at `hour` local time, `weeks` occurrences."""
    start = datetime.combine(first, time(hour), zone)
    return FeedEvent(
        uid=kwargs.pop("uid", "slot-1@planner"),
        summary=kwargs.pop("summary", "Sam's time"),
        start=start,
        end=start + timedelta(hours=1),
        rrule=f"FREQ=WEEKLY;COUNT={weeks}",
        **kwargs,
    )


def feed(events, tzid="Europe/Berlin", **kwargs):
    return build_calendar("Sam", tzid, events, dtstamp=STAMP, **kwargs)


def occurrences(data, start=datetime(2000, 1, 1, tzinfo=UTC), end=datetime(2040, 1, 1, tzinfo=UTC)):
    """(start, end, summary) of every expanded occurrence, as recurring-ical-events sees it."""
    found = recurring_ical_events.of(Calendar.from_ical(data)).between(start, end)
    return sorted((c.start, c.end, str(c["SUMMARY"])) for c in found)


def starts(data):
    return [s for s, _, _ in occurrences(data)]


def vtimezone_tz(data, tzid):
    """The zone as a client that only reads the VTIMEZONE (not its own tz database) sees it."""
    (component,) = [tz for tz in Calendar.from_ical(data).timezones if tz.tz_name == tzid]
    return component.to_tz(lookup_tzid=False)


# Weekly 07:00 slots across a clock change: the local time stays 07:00,
# so the UTC time moves by an hour.
DST_CASES = [
    pytest.param(BERLIN, date(2026, 3, 17), [6, 6, 5, 5], id="berlin-march"),
    pytest.param(BERLIN, date(2026, 10, 13), [5, 5, 6, 6], id="berlin-october"),
    pytest.param(NEW_YORK, date(2026, 2, 24), [12, 12, 11, 11], id="new-york-march"),
]


@pytest.mark.parametrize(("zone", "first", "utc_hours"), DST_CASES)
def test_weekly_slot_keeps_local_time_across_dst(zone, first, utc_hours):
    data = feed([weekly(zone, first, weeks=4)], tzid=zone.key)

    found = starts(data)

    assert [s.astimezone(zone).time() for s in found] == [time(7)] * 4
    assert [s.astimezone(zone).date() for s in found] == [
        first + timedelta(weeks=k) for k in range(4)
    ]
    assert [s.astimezone(UTC).hour for s in found] == utc_hours


@pytest.mark.parametrize(("zone", "first", "utc_hours"), DST_CASES)
def test_vtimezone_alone_places_the_slot_at_the_same_instants(zone, first, utc_hours):
    data = feed([weekly(zone, first, weeks=4)], tzid=zone.key)
    from_vtimezone = vtimezone_tz(data, zone.key)

    for k, hour in enumerate(utc_hours):
        wall = datetime.combine(first + timedelta(weeks=k), time(7))
        assert wall.replace(tzinfo=from_vtimezone).astimezone(UTC).hour == hour


def test_exdate_removes_exactly_that_occurrence():
    first = date(2026, 3, 17)
    skipped = at(BERLIN, 2026, 3, 31)
    plain = starts(feed([weekly(BERLIN, first)]))

    data = feed([weekly(BERLIN, first, exdates=(skipped,))])

    assert starts(data) == [s for s in plain if s != skipped]
    assert len(starts(data)) == len(plain) - 1


def test_override_moves_exactly_that_occurrence():
    first = date(2026, 3, 17)
    moved_from = at(BERLIN, 2026, 3, 31)
    moved_to = at(BERLIN, 2026, 4, 1, 18, 30)
    override = FeedOverride(
        recurrence_id=moved_from,
        start=moved_to,
        end=moved_to + timedelta(hours=2),
        sequence=1,
        summary="Sam's time (moved)",
    )
    plain = occurrences(feed([weekly(BERLIN, first)]))

    found = occurrences(feed([weekly(BERLIN, first, overrides=(override,))]))

    expected = [o for o in plain if o[0] != moved_from]
    expected.append((moved_to, moved_to + timedelta(hours=2), "Sam's time (moved)"))
    assert found == sorted(expected)


def test_override_shares_uid_and_carries_recurrence_id_with_tzid():
    moved_from = at(BERLIN, 2026, 3, 31)
    override = FeedOverride(moved_from, at(BERLIN, 2026, 4, 1), at(BERLIN, 2026, 4, 1, 8), 2)
    cal = Calendar.from_ical(feed([weekly(BERLIN, date(2026, 3, 17), overrides=(override,))]))

    master, moved = cal.events
    assert str(master["UID"]) == str(moved["UID"]) == "slot-1@planner"
    assert "RRULE" in master and "RRULE" not in moved
    assert moved["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert moved["RECURRENCE-ID"].dt == moved_from
    assert moved["SEQUENCE"] == 2
    assert moved["SUMMARY"] == master["SUMMARY"]


def test_every_time_has_a_tzid_with_a_vtimezone_and_nothing_is_floating_or_utc():
    event = weekly(
        NEW_YORK,
        date(2026, 3, 3),
        exdates=(at(NEW_YORK, 2026, 3, 10),),
        overrides=(
            FeedOverride(
                at(NEW_YORK, 2026, 3, 17), at(NEW_YORK, 2026, 3, 18), at(NEW_YORK, 2026, 3, 18, 8)
            ),
        ),
    )
    data = feed([event], tzid="America/New_York")
    cal = Calendar.from_ical(data)

    assert [tz.tz_name for tz in cal.timezones] == ["America/New_York"]
    for component in cal.events:
        for name in ("DTSTART", "DTEND", "EXDATE", "RECURRENCE-ID"):
            if name in component:
                assert component[name].params["TZID"] == "America/New_York"
    events_part = data.split(b"END:VTIMEZONE", 1)[1]
    local_lines = re.findall(rb"^(?:DTSTART|DTEND|EXDATE|RECURRENCE-ID)[;:].*$", events_part, re.M)
    assert len(local_lines) == 6
    assert all(b";TZID=America/New_York:" in line for line in local_lines)
    assert not any(line.rstrip().endswith(b"Z") for line in local_lines)


def test_vtimezone_covers_dst_changes_in_the_feed():
    data = feed([weekly(BERLIN, date(2026, 3, 17))])
    tz = vtimezone_tz(data, "Europe/Berlin")

    for day in range(0, 5 * 365, 3):
        moment = datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=day)
        assert moment.astimezone(tz).utcoffset() == moment.astimezone(BERLIN).utcoffset()


def test_calendar_properties_and_refresh_hint():
    data = feed([weekly(BERLIN, date(2026, 3, 17))])
    cal = Calendar.from_ical(data)

    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//Planner//")
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Sam"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data


def test_refresh_hint_follows_refresh_minutes():
    data = feed([], refresh_minutes=90)

    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H30M\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H30M\r\n" in data


def test_every_event_has_utc_dtstamp_uid_and_sequence():
    moved = FeedOverride(
        at(BERLIN, 2026, 3, 24), at(BERLIN, 2026, 3, 25), at(BERLIN, 2026, 3, 25, 8)
    )
    events = [
        weekly(BERLIN, date(2026, 3, 17), overrides=(moved,), sequence=3),
        FeedEvent(
            "resp-12-2026-03-16@planner",
            "Laundry",
            at(BERLIN, 2026, 3, 18),
            at(BERLIN, 2026, 3, 18, 8),
        ),
    ]
    cal = Calendar.from_ical(feed(events))

    assert len(cal.events) == 3
    for component in cal.events:
        assert component["DTSTAMP"].dt == STAMP
        assert component["DTSTAMP"].to_ical().endswith(b"Z")
        assert str(component["UID"]) in {"slot-1@planner", "resp-12-2026-03-16@planner"}
        assert "SEQUENCE" in component
    assert [c["SEQUENCE"] for c in cal.events] == [3, 3, 0]  # the override follows its master


def test_only_vevents_no_vtodo():
    data = feed([weekly(BERLIN, date(2026, 3, 17))])
    cal = Calendar.from_ical(data)

    assert {c.name for c in cal.subcomponents} == {"VTIMEZONE", "VEVENT"}
    assert b"VTODO" not in data


def test_all_day_event_uses_dates_without_tzid():
    event = FeedEvent(
        uid="resp-7-2026-03-23@planner",
        summary="Plan the birthday",
        start=at(BERLIN, 2026, 3, 23, 0),
        end=at(BERLIN, 2026, 3, 24, 0),
        all_day=True,
        transparent=True,
    )
    data = feed([event])
    (component,) = Calendar.from_ical(data).events

    assert b"DTSTART;VALUE=DATE:20260323\r\n" in data
    assert b"DTEND;VALUE=DATE:20260324\r\n" in data
    assert component["TRANSP"] == "TRANSPARENT"
    assert Calendar.from_ical(data).timezones == []


def test_all_day_recurring_event_with_skipped_day():
    event = FeedEvent(
        uid="resp-3@planner",
        summary="Bins out",
        start=at(BERLIN, 2026, 3, 16, 0),
        end=at(BERLIN, 2026, 3, 17, 0),
        rrule="FREQ=WEEKLY;UNTIL=20260413",
        exdates=(at(BERLIN, 2026, 3, 30, 0),),
        all_day=True,
    )
    data = feed([event])

    assert b"EXDATE;VALUE=DATE:20260330\r\n" in data
    assert starts(data) == [
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 4, 6),
        date(2026, 4, 13),
    ]


def test_all_day_override_moves_one_day():
    monday = at(BERLIN, 2026, 3, 16, 0)
    override = FeedOverride(
        recurrence_id=at(BERLIN, 2026, 3, 23, 0),
        start=at(BERLIN, 2026, 3, 25, 0),
        end=at(BERLIN, 2026, 3, 26, 0),
    )
    event = FeedEvent(
        uid="resp-3@planner",
        summary="Bins out",
        start=monday,
        end=monday + timedelta(days=1),
        rrule="FREQ=WEEKLY;COUNT=3",
        overrides=(override,),
        all_day=True,
    )
    data = feed([event])

    assert b"RECURRENCE-ID;VALUE=DATE:20260323\r\n" in data
    assert starts(data) == [date(2026, 3, 16), date(2026, 3, 25), date(2026, 3, 30)]


def test_naive_until_is_written_in_utc_and_keeps_the_last_occurrence():
    start = at(BERLIN, 2026, 3, 17)
    event = FeedEvent(
        "slot-2@planner",
        "Run",
        start,
        start + timedelta(hours=1),
        rrule="FREQ=WEEKLY;UNTIL=20260407",
    )
    data = feed([event])

    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260407T215959Z\r\n" in data
    assert starts(data)[-1] == at(BERLIN, 2026, 4, 7)


def test_opaque_by_default_transparent_on_request():
    busy = FeedEvent("a@planner", "Groceries", at(BERLIN, 2026, 3, 17), at(BERLIN, 2026, 3, 17, 8))
    duty = FeedEvent(
        "b@planner",
        "On duty: Sam's time",
        at(BERLIN, 2026, 3, 18),
        at(BERLIN, 2026, 3, 18, 8),
        transparent=True,
    )
    transp = {
        str(e["UID"]): str(e["TRANSP"]) for e in Calendar.from_ical(feed([busy, duty])).events
    }

    assert transp == {"a@planner": "OPAQUE", "b@planner": "TRANSPARENT"}


def test_times_in_other_zones_are_written_in_the_household_zone():
    start = datetime(2026, 3, 17, 6, tzinfo=UTC)
    event = FeedEvent("a@planner", "Call", start, start + timedelta(hours=1))

    data = feed([event])

    assert b"DTSTART;TZID=Europe/Berlin:20260317T070000\r\n" in data
    assert starts(data) == [start]


def test_text_is_escaped_and_control_characters_dropped():
    event = FeedEvent(
        "a@planner",
        "Lunches, snacks; water\\",
        at(BERLIN, 2026, 3, 17),
        at(BERLIN, 2026, 3, 17, 8),
        description="Line one\r\nLine two\x00\x07",
        categories=("caregiving", "magic"),
    )
    (component,) = Calendar.from_ical(feed([event])).events

    assert str(component["SUMMARY"]) == "Lunches, snacks; water\\"
    assert str(component["DESCRIPTION"]) == "Line one\nLine two"
    assert component.categories == ["caregiving", "magic"]


def test_household_in_utc_writes_utc_times_without_vtimezone():
    start = datetime(2026, 3, 17, 7, tzinfo=UTC)
    data = feed([FeedEvent("a@planner", "Call", start, start + timedelta(hours=1))], tzid="UTC")

    assert b"DTSTART:20260317T070000Z\r\n" in data
    assert Calendar.from_ical(data).timezones == []


def test_output_is_deterministic_and_independent_of_input_order():
    events = [
        weekly(BERLIN, date(2026, 3, 17), exdates=(at(BERLIN, 2026, 3, 24),)),
        FeedEvent("resp-1@planner", "Laundry", at(BERLIN, 2026, 3, 18), at(BERLIN, 2026, 3, 18, 8)),
        FeedEvent("resp-2@planner", "Cook", at(BERLIN, 2026, 3, 18), at(BERLIN, 2026, 3, 18, 8)),
    ]

    first = feed(events)

    assert feed(events) == first
    assert feed(list(reversed(events))) == first
    assert feed(iter(events)) == first


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": datetime(2026, 3, 17, 7)}, "timezone-aware"),
        ({"end": at(BERLIN, 2026, 3, 17, 6)}, "end must be after start"),
        ({"rrule": "FREQ=SOMETIMES"}, "frequency"),
        ({"rrule": "nonsense"}, "no FREQ"),
        ({"exdates": (at(BERLIN, 2026, 3, 24),)}, "need an rrule"),
        ({"uid": "  "}, "UID"),
        ({"sequence": -1}, "SEQUENCE"),
    ],
)
def test_bad_events_are_refused(change, message):
    base = {
        "uid": "a@planner",
        "summary": "Run",
        "start": at(BERLIN, 2026, 3, 17),
        "end": at(BERLIN, 2026, 3, 17, 8),
    }
    with pytest.raises(ValueError, match=message):
        feed([FeedEvent(**{**base, **change})])


def test_duplicate_uids_are_refused():
    event = FeedEvent("a@planner", "Run", at(BERLIN, 2026, 3, 17), at(BERLIN, 2026, 3, 17, 8))

    with pytest.raises(ValueError, match="unique"):
        feed([event, event])


def test_occurrence_both_moved_and_skipped_is_refused():
    when = at(BERLIN, 2026, 3, 24)
    moved = FeedOverride(when, at(BERLIN, 2026, 3, 25), at(BERLIN, 2026, 3, 25, 8))

    with pytest.raises(ValueError, match="moved"):
        feed([weekly(BERLIN, date(2026, 3, 17), exdates=(when,), overrides=(moved,))])


@pytest.mark.parametrize("tzid", ["Mars/Olympus", "", "../etc/passwd"])
def test_unknown_time_zone_is_refused(tzid):
    with pytest.raises(ValueError, match="time zone"):
        feed([], tzid=tzid)


def test_single_event_attachment():
    start = at(NEW_YORK, 2026, 3, 10, 18)
    event = FeedEvent("slot-4-2026-03-10@planner", "Alex's time", start, start + timedelta(hours=1))

    data = build_event_ics(event, "America/New_York", dtstamp=STAMP)
    cal = Calendar.from_ical(data)

    assert str(cal["METHOD"]) == "PUBLISH"
    assert "X-WR-CALNAME" not in cal and "REFRESH-INTERVAL" not in cal
    assert [tz.tz_name for tz in cal.timezones] == ["America/New_York"]
    assert occurrences(data) == [(start, start + timedelta(hours=1), "Alex's time")]
    assert build_event_ics(event, "America/New_York", dtstamp=STAMP) == data


def test_cancelled_single_event_attachment():
    start = at(BERLIN, 2026, 3, 10, 18)
    event = FeedEvent("slot-4@planner", "Sam's time", start, start + timedelta(hours=1), sequence=2)

    cal = Calendar.from_ical(
        build_event_ics(event, "Europe/Berlin", dtstamp=STAMP, method="CANCEL")
    )

    assert str(cal["METHOD"]) == "CANCEL"
    assert str(cal.events[0]["STATUS"]) == "CANCELLED"
    with pytest.raises(ValueError, match="method"):
        build_event_ics(event, "Europe/Berlin", dtstamp=STAMP, method="REQUEST")


# --- properties -----------------------------------------------------------------------

ZONES = st.sampled_from(
    [BERLIN, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC")]
)


@st.composite
def weekly_series(draw):
    zone = draw(ZONES)
    first = draw(st.dates(date(2025, 1, 1), date(2028, 12, 31)))
    # 04:00 and later: clear of the hours that clocks skip or repeat.
    clock = time(draw(st.integers(4, 22)), draw(st.sampled_from([0, 15, 30, 45])))
    weeks = draw(st.integers(1, 30))
    expected = [datetime.combine(first + timedelta(weeks=k), clock, zone) for k in range(weeks)]
    skipped = draw(st.sets(st.integers(0, weeks - 1)))
    moved = draw(st.sets(st.integers(0, weeks - 1)).map(lambda s: s - skipped))
    hours = draw(st.integers(1, 3))
    return zone, expected, skipped, moved, hours


@settings(max_examples=60, deadline=None)
@given(weekly_series())
def test_weekly_series_expands_to_exactly_the_expected_occurrences(case):
    zone, expected, skipped, moved, hours = case
    length = timedelta(hours=hours)
    overrides = tuple(
        FeedOverride(
            expected[k], expected[k] + timedelta(days=1), expected[k] + timedelta(days=1) + length
        )
        for k in sorted(moved)
    )
    event = FeedEvent(
        uid="slot@planner",
        summary="Time",
        start=expected[0],
        end=expected[0] + length,
        rrule=f"FREQ=WEEKLY;COUNT={len(expected)}",
        exdates=tuple(expected[k] for k in skipped),
        overrides=overrides,
    )
    data = build_calendar("Home", zone.key, [event], dtstamp=STAMP)

    want = sorted(
        (expected[k] + timedelta(days=1) if k in moved else expected[k])
        for k in range(len(expected))
        if k not in skipped
    )
    got = starts(data)
    assert got == want
    # Same wall-clock times, not just the same instants.
    assert [g.astimezone(zone).replace(tzinfo=None) for g in got] == [
        w.replace(tzinfo=None) for w in want
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 500), st.integers(0, 23), st.integers(1, 300)),
        max_size=8,
        unique_by=lambda t: t[0],
    ),
    st.randoms(use_true_random=False),
)
def test_same_events_in_any_order_give_the_same_bytes(specs, rnd):
    events = []
    for number, hour, minutes in specs:
        start = datetime(2026, 1, 1, hour, tzinfo=BERLIN) + timedelta(days=number % 120)
        events.append(
            FeedEvent(
                f"resp-{number}@planner",
                f"Task {number}",
                start,
                start + timedelta(minutes=minutes),
            )
        )
    shuffled = list(events)
    rnd.shuffle(shuffled)

    assert feed(shuffled) == feed(events)


@settings(max_examples=80, deadline=None)
@given(
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=120),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=300),
)
def test_any_summary_and_description_round_trip(summary, description):
    event = FeedEvent(
        "a@planner",
        summary,
        at(BERLIN, 2026, 3, 17),
        at(BERLIN, 2026, 3, 17, 8),
        description=description,
    )
    (component,) = Calendar.from_ical(feed([event])).events

    assert str(component["SUMMARY"]) == summary
    assert str(component.get("DESCRIPTION", "")) == description


def test_calendar_name_with_line_breaks_becomes_one_line():
    data = build_calendar("Home\nof Alex\r\nand Sam", "Europe/Berlin", [], dtstamp=STAMP)
    assert b"X-WR-CALNAME:Home of Alex and Sam" in data


def test_literal_backslash_n_in_a_title_is_kept():
    title = r"Back up C:\New folder; then tidy, sort"
    event = FeedEvent("b@planner", title, at(BERLIN, 2026, 3, 17), at(BERLIN, 2026, 3, 17, 8))
    (component,) = Calendar.from_ical(feed([event])).events
    assert str(component["SUMMARY"]) == title
