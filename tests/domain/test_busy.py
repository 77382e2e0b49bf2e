from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.busy import (
    MAX_ICS_BYTES,
    BusyTime,
    CalendarImportError,
    free_slots,
    merge_intervals,
    parse_busy_times,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WINDOW = (datetime(2026, 3, 16, tzinfo=UTC), datetime(2026, 4, 13, tzinfo=UTC))


def ics(*events, header=""):
    """An .ics file around the given VEVENT bodies (lines joined with CRLF, as exported)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", *header.split()]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(line.strip() for line in lines if line.strip()) + "\r\n").encode()


def parse(data, tz=BERLIN, window=WINDOW, **kwargs):
    return parse_busy_times(data, *window, tz=tz, **kwargs)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


GOOGLE_EXPORT = ics(
    # Google writes UTC times and names the calendar's zone in X-WR-TIMEZONE;
    # the weekly 07:00 Berlin meeting must stay at 07:00 local after 29 March.
    """
    UID:standup@google.com
    DTSTART:20260317T060000Z
    DTEND:20260317T063000Z
    RRULE:FREQ=WEEKLY;COUNT=4
    SUMMARY:Stand-up
    """,
    """
    UID:dentist@google.com
    DTSTART:20260319T140000Z
    DTEND:20260319T150000Z
    SUMMARY:Dentist
    """,
    header="X-WR-CALNAME:Alex X-WR-TIMEZONE:Europe/Berlin CALSCALE:GREGORIAN METHOD:PUBLISH",
)


def test_google_export_keeps_local_time_across_dst():
    busy = parse(GOOGLE_EXPORT)

    standups = [b for b in busy if b.summary == "Stand-up"]
    assert [b.start for b in standups] == [
        utc(2026, 3, 17, 6),
        utc(2026, 3, 24, 6),
        utc(2026, 3, 31, 5),
        utc(2026, 4, 7, 5),
    ]
    assert all(b.end - b.start == timedelta(minutes=30) for b in standups)
    assert BusyTime(utc(2026, 3, 19, 14), utc(2026, 3, 19, 15), "Dentist") in busy


def test_result_is_sorted_and_in_utc():
    busy = parse(GOOGLE_EXPORT)

    assert busy == sorted(busy, key=lambda b: (b.start, b.end))
    assert all(b.start.tzinfo is UTC and b.end.tzinfo is UTC for b in busy)


def test_recurring_event_with_exdate_and_moved_occurrence():
    data = ics(
        """
        UID:yoga
        DTSTART;TZID=America/New_York:20260303T180000
        DTEND;TZID=America/New_York:20260303T190000
        RRULE:FREQ=WEEKLY;UNTIL=20260331T230000Z
        EXDATE;TZID=America/New_York:20260317T180000
        SUMMARY:Yoga
        """,
        """
        UID:yoga
        RECURRENCE-ID;TZID=America/New_York:20260324T180000
        DTSTART;TZID=America/New_York:20260325T200000
        DTEND;TZID=America/New_York:20260325T210000
        SUMMARY:Yoga (moved)
        """,
    )
    window = (utc(2026, 3, 1), utc(2026, 4, 30))

    busy = parse(data, tz=NEW_YORK, window=window)

    assert [(b.start, b.summary) for b in busy] == [
        (utc(2026, 3, 3, 23), "Yoga"),  # EST
        (utc(2026, 3, 10, 22), "Yoga"),  # EDT from 8 March
        (utc(2026, 3, 26, 0), "Yoga (moved)"),  # 20:00 EDT on the 25th
        (utc(2026, 3, 31, 22), "Yoga"),
    ]


def test_all_day_event_is_busy_for_the_whole_local_day():
    data = ics(
        """
        UID:move
        DTSTART;VALUE=DATE:20260320
        DTEND;VALUE=DATE:20260322
        SUMMARY:Moving house
        """,
        """
        UID:single
        DTSTART;VALUE=DATE:20260401
        SUMMARY:Exam
        """,
    )

    busy = parse(data)

    assert busy == [
        BusyTime(utc(2026, 3, 19, 23), utc(2026, 3, 21, 23), "Moving house"),
        BusyTime(utc(2026, 3, 31, 22), utc(2026, 4, 1, 22), "Exam"),  # CEST
    ]


def test_floating_times_are_read_in_the_household_zone():
    data = ics("UID:f\nDTSTART:20260320T090000\nDTEND:20260320T100000\nSUMMARY:Call")

    assert parse(data, tz=NEW_YORK) == [
        BusyTime(utc(2026, 3, 20, 13), utc(2026, 3, 20, 14), "Call")
    ]
    assert parse(data, tz=BERLIN) == [BusyTime(utc(2026, 3, 20, 8), utc(2026, 3, 20, 9), "Call")]


def test_free_and_cancelled_events_are_skipped():
    data = ics(
        "UID:a\nDTSTART;VALUE=DATE:20260320\nSUMMARY:Birthday\nTRANSP:TRANSPARENT",
        "UID:b\nDTSTART:20260320T090000Z\nDTEND:20260320T100000Z\nSTATUS:CANCELLED",
        """
        UID:c
        DTSTART:20260316T090000Z
        DTEND:20260316T100000Z
        RRULE:FREQ=DAILY;COUNT=3
        SUMMARY:Daily
        """,
        """
        UID:c
        RECURRENCE-ID:20260317T090000Z
        DTSTART:20260317T090000Z
        DTEND:20260317T100000Z
        STATUS:CANCELLED
        SUMMARY:Daily
        """,
    )

    assert [b.start for b in parse(data)] == [utc(2026, 3, 16, 9), utc(2026, 3, 18, 9)]


def test_missing_summary_reads_busy_and_long_ones_are_trimmed():
    data = ics(
        "UID:a\nDTSTART:20260320T090000Z\nDTEND:20260320T100000Z",
        "UID:b\nDTSTART:20260320T110000Z\nDTEND:20260320T120000Z\nSUMMARY:" + "x" * 500,
    )

    first, second = parse(data)
    assert first.summary == "Busy"
    assert len(second.summary) == 200


def test_only_events_overlapping_the_window():
    data = ics(
        "UID:before\nDTSTART:20260315T220000Z\nDTEND:20260316T000000Z",
        "UID:across\nDTSTART:20260315T230000Z\nDTEND:20260316T010000Z\nSUMMARY:Night shift",
        "UID:after\nDTSTART:20260413T000000Z\nDTEND:20260413T010000Z",
        "UID:todo-like\nDTSTART:20260320T090000Z",
    )

    assert parse(data) == [BusyTime(utc(2026, 3, 15, 23), utc(2026, 3, 16, 1), "Night shift")]


def test_byte_order_mark_lf_line_endings_and_latin1_bytes_are_tolerated():
    body = ics("UID:a\nDTSTART:20260320T090000Z\nDTEND:20260320T100000Z\nSUMMARY:Caf?")
    data = b"\xef\xbb\xbf" + body.replace(b"\r\n", b"\n").replace(b"Caf?", b"Caf\xe9")

    assert parse(data) == [BusyTime(utc(2026, 3, 20, 9), utc(2026, 3, 20, 10), "Caf\ufffd")]


def test_windows_tzid_from_outlook_is_understood():
    data = ics(
        "UID:o\nDTSTART;TZID=W. Europe Standard Time:20260320T090000\n"
        "DTEND;TZID=W. Europe Standard Time:20260320T100000"
    )

    assert parse(data, tz=NEW_YORK)[0].start == utc(2026, 3, 20, 8)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\t", "empty"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
        (b'{"events": []}', "doesn't look like a calendar"),
        (bytes(range(256)) * 4, "doesn't look like a calendar"),
        (b"BEGIN:VCALENDAR\x00\x01\x02", "doesn't look like a calendar"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam\r\nEND:VCARD\r\n", "doesn't look like a calendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n", "damaged or cut off"),
        (b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", "damaged"),
    ],
)
def test_garbage_is_refused_kindly(data, message):
    with pytest.raises(CalendarImportError, match=message):
        parse(data)


def test_huge_file_is_refused():
    data = ics("UID:a\nDTSTART:20260320T090000Z\nSUMMARY:" + "x" * 70)
    padding = b"X-FILLER:" + b"x" * 60 + b"\r\n"
    huge = data.replace(
        b"END:VCALENDAR", padding * (MAX_ICS_BYTES // len(padding)) + b"END:VCALENDAR"
    )

    assert len(huge) > MAX_ICS_BYTES
    with pytest.raises(CalendarImportError, match="larger than 2 MB"):
        parse(huge)


def test_too_many_events_in_the_window_are_refused():
    data = ics("UID:a\nDTSTART:20260316T090000Z\nDTEND:20260316T100000Z\nRRULE:FREQ=DAILY")

    assert len(parse(data, max_events=28)) == 28
    with pytest.raises(CalendarImportError, match="more than 27 events"):
        parse(data, max_events=27)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("UID:a\nDTSTART:notadate\nSUMMARY:Gym", "couldn't read the dates of the event “Gym”"),
        ("UID:a\nDTSTART:20260320T090000Z\nDTEND:2026-03-20", "couldn't read the dates"),
        (
            "UID:a\nDTSTART:20260320T090000Z\nRRULE:FREQ=DAILY\nEXDATE:soon",
            "couldn't read the dates",
        ),
        ("UID:a\nDTSTART:20260320T090000Z\nRRULE:FREQ=SOMETIMES", "couldn't read the dates"),
        ("UID:a\nSUMMARY:Lunch", "“Lunch” has no start time"),
        ("UID:a\nDTSTART:20260320T090000Z\nDTSTART:20260321T090000Z", "couldn't read the dates"),
        ("UID:a\nDTSTART:20260320T090000Z\nRRULE:COUNT=2", "couldn't read the dates"),
        ("UID:a\nDTSTART:20260320T090000Z\nRRULE:FREQ=SECONDLY", "repeats too often"),
        ("UID:a\nDTSTART:20260320T090000Z\nRRULE:FREQ=MINUTELY;COUNT=5", "repeats too often"),
        (
            "UID:a\nDTSTART:20260320T090000Z\nRRULE:FREQ=DAILY;BYHOUR=8,9,10,11,12;BYMINUTE=0,10,20,30,40,50",
            "repeats too often",
        ),
        ("UID:a\nDTSTART:18000101T090000Z\nRRULE:FREQ=HOURLY", "repeats too often"),
    ],
)
def test_unreadable_or_runaway_events_are_refused(event, message):
    with pytest.raises(CalendarImportError, match=message):
        parse(ics(event))


def test_hourly_rule_is_fine():
    data = ics(
        "UID:a\nDTSTART:20260316T000000Z\nDTEND:20260316T003000Z\nRRULE:FREQ=HOURLY;COUNT=48"
    )

    assert len(parse(data)) == 48


def test_unknown_x_wr_timezone_is_refused():
    data = ics("UID:a\nDTSTART:20260320T090000Z", header="X-WR-TIMEZONE:Mars/Olympus")

    with pytest.raises(CalendarImportError, match="time zone"):
        parse(data)


def test_not_bytes_and_bad_window_are_programming_errors():
    with pytest.raises(TypeError):
        parse(GOOGLE_EXPORT.decode())
    with pytest.raises(ValueError, match="after"):
        parse(GOOGLE_EXPORT, window=(WINDOW[1], WINDOW[0]))
    with pytest.raises(ValueError, match="aware"):
        parse(GOOGLE_EXPORT, window=(datetime(2026, 3, 16), WINDOW[1]))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(data):
    try:
        result = parse(data)
    except CalendarImportError:
        return
    assert isinstance(result, list)


PROPERTY_LINES = st.sampled_from(
    [
        "UID:x",
        "UID:y",
        "DTSTART:20260320T090000Z",
        "DTSTART;VALUE=DATE:20260321",
        "DTSTART;TZID=Europe/Paris:20260320T090000",
        "DTSTART;TZID=Nowhere/Land:20260320T090000",
        "DTSTART:20260320",
        "DTSTART:2026",
        "DTEND:20260320T080000Z",
        "DTEND:20260320T100000Z",
        "DTEND;VALUE=DATE:20260319",
        "DURATION:PT1H",
        "DURATION:-P1D",
        "DURATION:soon",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "RRULE:FREQ=DAILY;UNTIL=20260325",
        "RRULE:FREQ=DAILY;UNTIL=20260325T000000Z",
        "RRULE:FREQ=YEARLY;BYMONTH=13",
        "RRULE:COUNT=2",
        "RDATE:20260322T090000Z",
        "RDATE;VALUE=PERIOD:20260322T090000Z/PT1H",
        "RDATE;VALUE=DATE:20260323",
        "EXDATE:20260327T090000Z",
        "EXDATE;VALUE=DATE:20260321",
        "RECURRENCE-ID:20260327T090000Z",
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20260327T090000Z",
        "TRANSP:TRANSPARENT",
        "STATUS:CANCELLED",
        "SUMMARY:Sch\u00f6n\\, ja",
        "BEGIN:VALARM",
        "END:VALARM",
        ":",
        ";;;",
    ]
)
START_LINES = st.sampled_from(
    [
        "DTSTART:20260320T090000Z",
        "DTSTART;VALUE=DATE:20260321",
        "DTSTART;TZID=Europe/Paris:20260320T090000",
        "DTSTART:20260320T090000",
    ]
)
HEADER_LINES = st.sampled_from(
    ["X-WR-TIMEZONE:Europe/Berlin", "X-WR-TIMEZONE:UTC", "CALSCALE:JULIAN", "METHOD:PUBLISH"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(HEADER_LINES, max_size=2),
    st.lists(st.tuples(START_LINES, st.lists(PROPERTY_LINES, max_size=6)), max_size=5),
)
def test_malformed_calendars_give_import_errors_only(header, events):
    lines = ["BEGIN:VCALENDAR", *header]
    for start, properties in events:
        lines += ["BEGIN:VEVENT", start, *properties, "END:VEVENT"]
    data = "\r\n".join([*lines, "END:VCALENDAR", ""]).encode()
    try:
        result = parse(data)
    except CalendarImportError:
        return
    assert all(b.start < b.end for b in result)


# --- merge_intervals and free_slots ---------------------------------------------------


def test_merge_joins_overlapping_and_touching_times():
    busy = [
        BusyTime(utc(2026, 3, 16, 11), utc(2026, 3, 16, 12), "b"),
        BusyTime(utc(2026, 3, 16, 9), utc(2026, 3, 16, 10), "a"),
        BusyTime(utc(2026, 3, 16, 9, 30), utc(2026, 3, 16, 11), "c"),
        BusyTime(utc(2026, 3, 16, 14), utc(2026, 3, 16, 15), "d"),
    ]

    assert merge_intervals(busy) == [
        (utc(2026, 3, 16, 9), utc(2026, 3, 16, 12)),
        (utc(2026, 3, 16, 14), utc(2026, 3, 16, 15)),
    ]
    assert merge_intervals([]) == []


def test_free_slots_avoid_busy_times():
    day = datetime(2026, 3, 17, 8, tzinfo=BERLIN)
    busy = [(datetime(2026, 3, 17, 9, 15, tzinfo=BERLIN), datetime(2026, 3, 17, 10, tzinfo=BERLIN))]

    slots = free_slots(day, day + timedelta(hours=4), busy, timedelta(hours=1))

    assert [s.strftime("%H:%M") for s in slots] == ["08:00", "10:00", "10:30", "11:00"]
    assert all(s.tzinfo is BERLIN for s in slots)


def test_free_slots_on_a_day_with_a_clock_change():
    start = datetime(2026, 3, 29, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 30, 0, tzinfo=BERLIN)  # 23 hours later

    slots = free_slots(start, end, [], timedelta(hours=1))

    assert len(slots) == 45  # (23h - 1h) / 30 min + 1
    assert slots[-1] == datetime(2026, 3, 29, 23, tzinfo=BERLIN)
    assert all(s.minute in (0, 30) for s in slots)
    assert len({s.astimezone(UTC) for s in slots}) == 45


def test_free_slots_reject_non_positive_length():
    day = datetime(2026, 3, 17, 8, tzinfo=BERLIN)
    with pytest.raises(ValueError):
        free_slots(day, day + timedelta(hours=4), [], timedelta(0))


BASE = utc(2026, 3, 16)
INTERVALS = st.lists(
    st.tuples(st.integers(0, 48 * 60), st.integers(1, 6 * 60)).map(
        lambda t: (BASE + timedelta(minutes=t[0]), BASE + timedelta(minutes=t[0] + t[1]))
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(INTERVALS)
def test_merge_covers_exactly_the_same_time(intervals):
    merged = merge_intervals([BusyTime(s, e, "x") for s, e in intervals])

    for (_, end), (start, _) in zip(merged, merged[1:], strict=False):
        assert end < start  # sorted, disjoint, not touching
    for minute in range(0, 56 * 60, 7):
        moment = BASE + timedelta(minutes=minute)
        assert any(s <= moment < e for s, e in intervals) == any(s <= moment < e for s, e in merged)


@settings(max_examples=150, deadline=None)
@given(INTERVALS, st.integers(15, 180), st.sampled_from([15, 30, 60]))
def test_free_slots_are_exactly_the_candidates_that_avoid_busy_times(intervals, minutes, step):
    day_start, day_end = BASE + timedelta(hours=6), BASE + timedelta(hours=30)
    length = timedelta(minutes=minutes)

    slots = free_slots(day_start, day_end, intervals, length, timedelta(minutes=step))

    candidates = []
    cursor = day_start
    while cursor + length <= day_end:
        candidates.append(cursor)
        cursor += timedelta(minutes=step)
    expected = [c for c in candidates if all(c + length <= s or e <= c for s, e in intervals)]
    assert slots == expected
